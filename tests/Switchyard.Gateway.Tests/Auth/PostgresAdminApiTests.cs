using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Gateway.Tests.Auth;

public sealed class PostgresAdminApiTests() : AdminApiTests(new PostgresHarness());
