using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Gateway.Tests.Auth;

public sealed class SqliteAdminStatsTests() : AdminStatsTests(new SqliteHarness());
