using Switchyard.Storage.Tests.Internal;
using Switchyard.Storage.Tests.Sql;

namespace Switchyard.Storage.Tests.Sqlite;

public sealed class SqliteResponseStoreTests() : ResponseStoreTests(new SqliteHarness());
