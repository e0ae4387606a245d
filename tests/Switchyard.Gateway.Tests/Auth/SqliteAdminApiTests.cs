using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Gateway.Tests.Auth;

public sealed class SqliteAdminApiTests() : AdminApiTests(new SqliteHarness());
