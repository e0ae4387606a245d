using Switchyard.Storage.Tests.Internal;
using Switchyard.Storage.Tests.Sql;

namespace Switchyard.Storage.Tests.Postgres;

public sealed class PostgresShadowStoreTests() : ShadowStoreTests(new PostgresHarness());
