using Switchyard.Gateway.Tests.Support;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Cli.Tests.Internal;

/// <summary>
/// A test of a <see cref="GatewayFleet"/>: it runs, and fails saying how to get the servers when PostgreSQL or Redis is not
/// given, unless <c>SWITCHYARD_TEST_POSTGRES=skip</c> or <c>SWITCHYARD_TEST_NO_REDIS=1</c> (local work only) skip it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FleetFactAttribute : FactAttribute
{
    public FleetFactAttribute() => Skip = SkipReason;

    /// <summary>Why fleet tests are skipped, or <see langword="null"/> when they run.</summary>
    public static string? SkipReason => PostgresTestServer.SkipReason ?? RedisServer.SkipReason;
}
