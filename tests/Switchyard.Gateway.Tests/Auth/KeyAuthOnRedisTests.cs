using Switchyard.Gateway.Tests.Support;

namespace Switchyard.Gateway.Tests.Auth;

/// <summary>
/// Every test of <see cref="KeyAuthTests"/> with the limits counted in Redis (<c>limits: redis</c>): the same requests
/// get the same answers, headers and 429s as with the counters in memory. With <c>SWITCHYARD_TEST_NO_REDIS=1</c> (local
/// work only) they run on memory again instead of failing.
/// </summary>
public sealed class KeyAuthOnRedisTests : KeyAuthTests
{
    protected override string LimitsYaml => RedisServer.SkipReason is null
        ? $"limits: {{ kind: redis, url: \"{RedisServer.Url}\", prefix: \"{RedisServer.Prefix()}\" }}"
        : "";
}
