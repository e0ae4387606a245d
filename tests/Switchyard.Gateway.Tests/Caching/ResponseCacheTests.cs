using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Caching;
using Switchyard.Gateway.Tests.Functional;
using Switchyard.Gateway.Tests.Limits;
using Switchyard.Gateway.Tests.Support;

namespace Switchyard.Gateway.Tests.Caching;

/// <summary>The exact-match response cache: keys, the memory store's bounds and TTL, and the cache on the request path.</summary>
public sealed class ResponseCacheTests
{
    private const string Ask = """{"model":"chat","messages":[{"role":"user","content":"Name three rivers in France."}],"temperature":0}""";

    [Fact]
    public void Key_SameQuestionInAnotherShape_IsTheSameKey_AnythingThatChangesTheAnswerIsNot()
    {
        static string? Key(string json, string scope = "team:a") => CacheKeys.For("p:", "chat", "chat", scope, "1", Encoding.UTF8.GetBytes(json));
        var key = Key("""{"model":"chat","messages":[{"role":"user","content":"Hi"}],"temperature":1,"stream":false,"seed":9007199254740993}""");

        // Key order, whitespace, number spelling, stream, user and metadata do not change the answer.
        Assert.Equal(key, Key("""{ "seed": 9007199254740993, "temperature": 1.0, "messages": [ {"content":"Hi","role":"user"} ], "stream": true, "stream_options": {"include_usage": true}, "user": "u1", "metadata": {"trace": "x"}, "model": "chat" }"""));
        // The question, a sampling parameter, a 64-bit seed one apart, and the scope do.
        Assert.NotEqual(key, Key("""{"model":"chat","messages":[{"role":"user","content":"Hi!"}],"temperature":1,"seed":9007199254740993}"""));
        Assert.NotEqual(key, Key("""{"model":"chat","messages":[{"role":"user","content":"Hi"}],"temperature":0.5,"seed":9007199254740993}"""));
        Assert.NotEqual(key, Key("""{"model":"chat","messages":[{"role":"user","content":"Hi"}],"temperature":1,"seed":9007199254740992}"""));
        Assert.NotEqual(key, Key("""{"model":"chat","messages":[{"role":"user","content":"Hi"}],"temperature":1,"seed":9007199254740993,"tools":[]}"""));
        Assert.NotEqual(key, Key("""{"model":"chat","messages":[{"role":"user","content":"Hi"}],"temperature":1,"stream":false,"seed":9007199254740993}""", "team:b"));
        Assert.StartsWith("p:cache:chat:", key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemoryStore_ExpiresAtItsTtl_AndEvictsTheLeastRecentlyUsedByBytes()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var answer = new CachedAnswer(new byte[1000], "llama", "1", 10, 20, clock.GetUtcNow());
        var store = new MemoryCacheStore(maxBytes: 3 * (answer.Size + 20), clock);

        await store.SetAsync("a", answer, TimeSpan.FromMinutes(10));
        clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromTicks(1));
        Assert.NotNull(await store.GetAsync("a"));
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Null(await store.GetAsync("a"));
        Assert.Equal(0, store.Bytes);

        await store.SetAsync("b", answer, TimeSpan.FromHours(1));
        await store.SetAsync("c", answer, TimeSpan.FromHours(1));
        await store.SetAsync("d", answer, TimeSpan.FromHours(1));
        Assert.NotNull(await store.GetAsync("b"));      // b is now the most recently used: c goes first
        await store.SetAsync("e", answer, TimeSpan.FromHours(1));

        Assert.Null(await store.GetAsync("c"));
        Assert.NotNull(await store.GetAsync("b"));
        Assert.NotNull(await store.GetAsync("e"));
        Assert.Equal(3, store.Count);
        Assert.Equal(1, store.Evictions);
        Assert.True(store.Bytes <= 3 * (answer.Size + 20));
    }

    [Fact]
    public void CachedAnswer_EncodesAndDecodes_AndRefusesForeignBytes()
    {
        var answer = new CachedAnswer("{\"id\":1}"u8.ToArray(), "llama", "open", 12, 34, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));
        var back = CachedAnswer.Decode(answer.Encode());

        Assert.NotNull(back);
        Assert.Equal(answer.Body, back.Body);
        Assert.Equal(answer with { Body = back.Body }, back);
        Assert.Null(CachedAnswer.Decode("not ours"u8));
    }

    [Fact]
    public async Task Post_SameQuestionTwice_SecondIsAHitWithNoUpstreamCall_CostZero_BaselineKept()
    {
        await using var fleet = await LimitedFleet.StartAsync(1, "", routes: "chat: { deployments: [llama], baseline: gpt, cache: { ttl: 10m } }");
        var key = fleet.Key();

        using var miss = await fleet.PostAsync(0, key, Ask);
        using var hit = await fleet.PostAsync(0, key, Ask);

        Assert.Equal("miss", miss.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Equal("hit", hit.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Equal(await miss.Content.ReadAsStringAsync(), await hit.Content.ReadAsStringAsync());
        Assert.Equal("0", hit.Headers.GetValues("x-switchyard-cost").Single());
        Assert.NotNull(hit.Headers.Age);
        await fleet.Gateways[0].FlushRequestLogAsync();
        var entries = fleet.Logs[0].Entries;
        var logged = entries.Single(e => e.AttemptsJson?.Contains("cache_hit", StringComparison.Ordinal) == true);
        Assert.Equal(0, logged.Attempts);
        Assert.Equal(0, logged.CostUsd);
        Assert.True(logged.BaselineCostUsd > 0, "the baseline counterfactual is still computed");
        Assert.Null(logged.Deployment);
        Assert.Contains("\"deployment\":\"llama\"", logged.AttemptsJson, StringComparison.Ordinal);
        var metrics = await fleet.MetricsAsync(0);
        Assert.Contains("switchyard_cache_requests_total{result=\"hit\",route=\"chat\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("switchyard_cache_requests_total{result=\"miss\",route=\"chat\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_AnotherTeam_NeverGetsTheFirstTeamsAnswer_UnlessTheScopeIsGlobal()
    {
        await using var fleet = await LimitedFleet.StartAsync(1, "", routes: """
            chat: { deployments: [llama], cache: { ttl: 10m } }
              shared: { deployments: [llama], cache: { ttl: 10m, scope: global } }
            """);
        var (a, a2, b) = (fleet.Key("team-a"), fleet.Key("team-a"), fleet.Key("team-b"));

        using var first = await fleet.PostAsync(0, a, Ask);
        using var sameTeam = await fleet.PostAsync(0, a2, Ask);
        using var otherTeam = await fleet.PostAsync(0, b, Ask);
        var shared = Ask.Replace("\"chat\"", "\"shared\"", StringComparison.Ordinal);
        using var sharedFirst = await fleet.PostAsync(0, a, shared);
        using var sharedOther = await fleet.PostAsync(0, b, shared);

        Assert.Equal("hit", sameTeam.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Equal("miss", otherTeam.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Equal("hit", sharedOther.Headers.GetValues("x-switchyard-cache").Single());
    }

    [Fact]
    public async Task Post_StreamAfterAWholeAnswer_IsServedFromTheCacheAsAStream()
    {
        await using var fleet = await LimitedFleet.StartAsync(1, "", routes: "chat: { deployments: [llama], cache: { ttl: 10m } }");
        var key = fleet.Key();
        using var whole = await fleet.PostAsync(0, key, Ask);
        var text = JsonDocument.Parse(await whole.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();

        using var stream = await fleet.PostAsync(0, key, Ask.Replace("\"temperature\":0", "\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true}", StringComparison.Ordinal));

        Assert.Equal("hit", stream.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType!.MediaType);
        var events = await Sse.ReadAllAsync(stream);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal(text, string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : "")));
        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.True(chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task Post_Confidential_BypassesTheCache_UnlessTheRouteCachesConfidentialAnswers()
    {
        await using var fleet = await LimitedFleet.StartAsync(1, "", routes: """
            chat: { deployments: [llama], cache: { ttl: 10m } }
              kept: { deployments: [llama], cache: { ttl: 10m, confidential: true } }
            """);
        var key = fleet.Key(confidential: true);

        using var first = await fleet.PostAsync(0, key, Ask);
        using var second = await fleet.PostAsync(0, key, Ask);
        var kept = Ask.Replace("\"chat\"", "\"kept\"", StringComparison.Ordinal);
        using var keptFirst = await fleet.PostAsync(0, key, kept);
        using var keptSecond = await fleet.PostAsync(0, key, kept);

        Assert.Equal("bypass", first.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Equal("bypass", second.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Equal("hit", keptSecond.Headers.GetValues("x-switchyard-cache").Single());
    }

    [Fact]
    public async Task Post_TtlPassed_IsAMissAgain_OnTheGatewaysClock()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var fleet = await LimitedFleet.StartAsync(1, "", routes: "chat: { deployments: [llama], cache: { ttl: 10m } }", options: new GatewayHostOptions { TimeProvider = clock });
        var key = fleet.Key();

        using var first = await fleet.PostAsync(0, key, Ask);
        clock.Advance(TimeSpan.FromMinutes(9));
        using var within = await fleet.PostAsync(0, key, Ask);
        clock.Advance(TimeSpan.FromMinutes(1));
        using var after = await fleet.PostAsync(0, key, Ask);

        Assert.Equal("hit", within.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Equal("540", within.Headers.Age!.Value.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("miss", after.Headers.GetValues("x-switchyard-cache").Single());
    }

    /// <summary>
    /// The shared cache for the tests of what it keeps: a generous timeout, since a first lookup by a process still
    /// compiling its code can take longer than the default 250 ms on a loaded machine, and would rightly be a bypass.
    /// </summary>
    private static string SharedCache => $"cache: {{ kind: redis, url: \"{RedisServer.Url}\", prefix: \"{RedisServer.Prefix()}\", timeout: 5s }}";

    [RedisFact]
    public async Task Post_TwoInstancesOnOneRedis_ShareTheCache()
    {
        await using var fleet = await LimitedFleet.StartAsync(2, SharedCache, routes: "chat: { deployments: [llama], cache: { ttl: 10m } }");
        var key = fleet.Key();

        using var onA = await fleet.PostAsync(0, key, Ask);
        using var onB = await fleet.PostAsync(1, key, Ask);
        using var otherTeamOnB = await fleet.PostAsync(1, fleet.Key("team-b"), Ask);

        Assert.Equal("miss", onA.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Equal("hit", onB.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Equal(await onA.Content.ReadAsStringAsync(), await onB.Content.ReadAsStringAsync());
        Assert.Equal("miss", otherTeamOnB.Headers.GetValues("x-switchyard-cache").Single());
    }

    [RedisTheory]
    [InlineData("chat: { deployments: [llama], cache: { ttl: 10m } }", false)]
    [InlineData("chat: { quality: {}, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ], cache: { ttl: 10m } }", true)]
    public async Task Post_RepeatOnAnotherInstanceTheMomentTheAnswerIsRead_IsAHit_EvenWhenTheStoreIsSlow(string route, bool gated)
    {
        await using var fleet = await LimitedFleet.StartAsync(2, SharedCache, routes: route);
        var (a, b) = (fleet.Gateways[0].ResponseCache!, fleet.Gateways[1].ResponseCache!);
        // A write is held until the other instance has looked the key up: stored after the client has its answer, the
        // repeat always misses.
        var (lateA, lateB) = LateWriteCacheStore.Pair(a.Store, b.Store, hold: TimeSpan.FromSeconds(1));
        fleet.Gateways[0].ResponseCache = new ResponseCache(lateA, a.Prefix, a.Health);
        fleet.Gateways[1].ResponseCache = new ResponseCache(lateB, b.Prefix, b.Health);
        var key = fleet.Key();

        using var onA = await fleet.PostAsync(0, key, Ask);
        var answer = await onA.Content.ReadAsStringAsync();
        using var onB = await fleet.PostAsync(1, key, Ask);

        Assert.Equal(HttpStatusCode.OK, onA.StatusCode);
        Assert.Equal(gated, onA.Headers.Contains("x-switchyard-quality-score"));
        Assert.Equal("miss", onA.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Equal(1, lateA.Writes);
        Assert.Equal("hit", onB.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Equal(answer, await onB.Content.ReadAsStringAsync());
        // Stored with who answered it and its tokens, as the request that missed had them.
        await fleet.Gateways[1].FlushRequestLogAsync();
        var hit = fleet.Logs[1].Entries.Single();
        var usage = JsonDocument.Parse(answer).RootElement.GetProperty("usage");
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32(), hit.InputTokens);
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt32(), hit.OutputTokens);
        Assert.Contains($"\"deployment\":\"{onA.Headers.GetValues("x-switchyard-deployment").Single()}\"", hit.AttemptsJson, StringComparison.Ordinal);
        Assert.Contains($"\"tier\":\"{onA.Headers.GetValues("x-switchyard-tier").Single()}\"", hit.AttemptsJson, StringComparison.Ordinal);
    }

    [RedisTheory]
    [InlineData("chat: { deployments: [llama], cache: { ttl: 10m } }")]
    [InlineData("chat: { quality: {}, tiers: [ { name: open, deployments: [llama] }, { name: frontier, deployments: [gpt] } ], cache: { ttl: 10m } }")]
    public async Task Post_StoreTimesOut_TheAnswerIsStillSent_TheFailureCounted(string route)
    {
        await using var fleet = await LimitedFleet.StartAsync(1, SharedCache, routes: route);
        var cache = fleet.Gateways[0].ResponseCache!;
        var failing = new FailingWriteCacheStore(cache.Store);
        fleet.Gateways[0].ResponseCache = new ResponseCache(failing, cache.Prefix, cache.Health);
        var key = fleet.Key();

        using var first = await fleet.PostAsync(0, key, Ask);
        using var again = await fleet.PostAsync(0, key, Ask);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("\"choices\"", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("miss", first.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("miss", again.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Equal(2, failing.Writes);
        Assert.Contains("switchyard_redis_failures_total{store=\"cache\"} 2", await fleet.MetricsAsync(0), StringComparison.Ordinal);
    }

    [RedisFact]
    public async Task Post_CacheRedisCutOff_IsABypass_TheRequestIsServed()
    {
        await using var proxy = new FaultProxy(RedisServer.Address);
        await using var fleet = await LimitedFleet.StartAsync(1, $"cache: {{ kind: redis, url: \"redis://{proxy.Address}\", prefix: \"{RedisServer.Prefix()}\" }}", routes: "chat: { deployments: [llama], cache: { ttl: 10m } }");
        var key = fleet.Key();
        proxy.Cut();

        using var response = await fleet.PostAsync(0, key, Ask);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("bypass", response.Headers.GetValues("x-switchyard-cache").Single());
        Assert.Contains("switchyard_redis_up{store=\"cache\"} 0", await fleet.MetricsAsync(0), StringComparison.Ordinal);
    }
}
