using Switchyard.Gateway.Tests.Support;

namespace Switchyard.Gateway.Tests.Economics;

/// <summary>
/// Every test of <see cref="BudgetTests"/> with the budgets counted in Redis (<c>limits: redis</c>): reservations,
/// waits for requests in flight, refusals, warnings once a window, and a fresh account seeded from the request log. With
/// <c>SWITCHYARD_TEST_NO_REDIS=1</c> (local work only) they run on memory again instead of failing.
/// </summary>
public sealed class BudgetOnRedisTests : BudgetTests
{
    /// <summary>A fresh prefix for every gateway started: each starts with empty accounts, as one with ledgers in memory does.</summary>
    protected override string LimitsYaml => RedisServer.SkipReason is null
        ? $"limits: {{ kind: redis, url: \"{RedisServer.Url}\", prefix: \"{RedisServer.Prefix()}\" }}"
        : "";
}
