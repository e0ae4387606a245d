using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Tests.Configuration;

/// <summary><c>limits:</c>, <c>cache:</c> and <c>routes.NAME.cache</c>: read, defaulted, and every mistake reported with its line and key.</summary>
public sealed class LimitsConfigTests
{
    private static ConfigLoadResult Parse(string sections, string route = "chat: { deployments: [llama] }") => ConfigLoader.Parse($"""
        providers:
          vllm: {"{"} kind: openai, base_url: http://localhost:8000/v1 {"}"}
        registry: {"{"} enforce: off {"}"}
        deployments:
          llama: {"{"} provider: vllm, model: llama {"}"}
        routes:
          {route}
        {sections}
        """, "switchyard.yaml", _ => null);

    private static GatewayConfig Config(string sections, string route = "chat: { deployments: [llama] }")
    {
        var result = Parse(sections, route);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Config!;
    }

    [Fact]
    public void NoSection_CountsInMemory_AndTheCacheIsInMemoryToo()
    {
        var config = Config("");

        Assert.Equal(LimitsKind.Memory, config.Limits.Kind);
        Assert.Equal(CacheKind.Memory, config.Cache.Kind);
        Assert.Equal(CacheConfig.DefaultMaxBytes, config.Cache.MaxBytes);
        Assert.Null(config.Routes[0].Cache);
    }

    [Fact]
    public void Redis_IsRead_AndTheCacheFollowsTheLimitsIntoIt()
    {
        var config = Config("limits: { kind: redis, url: \"redis://:s3cret@cache.internal:6380/2\", on_failure: closed, prefix: \"prod:\", timeout: 100ms }",
            "chat: { deployments: [llama], cache: { ttl: 10m, scope: key, max_bytes: 64KiB } }");

        Assert.Equal(LimitsKind.Redis, config.Limits.Kind);
        Assert.Equal(new RedisEndpoint("cache.internal", 6380, "s3cret", 2), config.Limits.Redis);
        Assert.Equal(LimitsFailurePolicy.Closed, config.Limits.OnFailure);
        Assert.Equal("prod:", config.Limits.Prefix);
        Assert.Equal(TimeSpan.FromMilliseconds(100), config.Limits.Timeout);
        Assert.Equal(CacheKind.Redis, config.Cache.Kind);
        Assert.Equal(config.Limits.Redis, config.Cache.Redis);
        Assert.Equal("prod:", config.Cache.Prefix);
        Assert.Equal(new RouteCacheConfig { Ttl = TimeSpan.FromMinutes(10), Scope = CacheScope.Key, MaxBytes = 64 * 1024 }, config.Routes[0].Cache);
        // SECURITY: the password never appears where the endpoint is printed.
        Assert.DoesNotContain("s3cret", config.Limits.Redis!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cache_CanStayInMemory_WhileLimitsAreInRedis()
    {
        var config = Config("limits: { kind: redis, url: redis://127.0.0.1 }\ncache: { kind: memory, max_bytes: 8MiB }");

        Assert.Equal(6379, config.Limits.Redis!.Port);
        Assert.Equal(CacheKind.Memory, config.Cache.Kind);
        Assert.Equal(8L * 1024 * 1024, config.Cache.MaxBytes);
    }

    [Theory]
    [InlineData("limits: { kind: redis }", null, "limits.url", "is required with kind: redis")]
    [InlineData("limits: { kind: redis, url: \"http://x:1\" }", null, "limits.url", "is not a redis:// URL")]
    [InlineData("limits: { kind: redis, url: \"rediss://x:1\" }", null, "limits.url", "TLS")]
    [InlineData("limits: { kind: redis, url: \"redis://x:99999\" }", null, "limits.url", "port")]
    [InlineData("limits: { kind: redis, url: \"redis://x:1/42\" }", null, "limits.url", "database")]
    [InlineData("limits: { kind: rediss }", null, "limits.kind", "Did you mean 'redis'")]
    [InlineData("limits: { kind: redis, url: redis://x, on_failure: maybe }", null, "limits.on_failure", "Valid values: 'open'")]
    [InlineData("limits: { url: redis://x }", null, "limits.url", "applies to kind: redis only")]
    [InlineData("limits: { kind: redis, url: redis://x, prefix: \"a b\" }", null, "limits.prefix", "without spaces")]
    [InlineData("limits: { kind: redis, url: redis://x, colour: red }", null, "limits.colour", null)]
    [InlineData("cache: { kind: redis }", null, "cache.url", "is required with kind: redis")]
    [InlineData("cache: { kind: redis, url: redis://x, max_bytes: 1MiB }", null, "cache.max_bytes", "maxmemory")]
    [InlineData("", "chat: { deployments: [llama], cache: { scope: team } }", "routes.chat.cache.ttl", "is required")]
    [InlineData("", "chat: { deployments: [llama], cache: { ttl: 10m, scope: everyone } }", "routes.chat.cache.scope", "Valid values: 'team'")]
    [InlineData("", "chat: { deployments: [llama], cache: { ttl: 800h } }", "routes.chat.cache.ttl", "at most 30 days")]
    [InlineData("", "chat: { deployments: [llama], cache: { ttl: 0s } }", "routes.chat.cache.ttl", "longer than zero")]
    public void Mistakes_AreReportedWithTheirLineAndKey(string sections, string? route, string key, string? message)
    {
        var result = Parse(sections, route ?? "chat: { deployments: [llama] }");

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors, e => e.Key == key);
        Assert.Equal("switchyard.yaml", error.File);
        Assert.True(error.Line > 0);
        if (message is not null)
        {
            Assert.Contains(message, error.Message, StringComparison.Ordinal);
        }
    }
}
