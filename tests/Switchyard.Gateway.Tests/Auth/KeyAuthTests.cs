using System.Net;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;
using Switchyard.Gateway.Tests.Functional;
using Switchyard.Gateway.Tests.Routing;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Gateway.Tests.Auth;

/// <summary>
/// Virtual keys, written as an attacker would try them: every /v1 request needs an active key of the right shape. Its
/// limits are counted in this process here, and in Redis by <see cref="KeyAuthOnRedisTests"/> (the same tests).
/// </summary>
public class KeyAuthTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));
    private SimulatorHost _simulator = null!;
    private GatewayHost _gateway = null!;
    private SqliteKeyStore _keys = null!;
    private MemoryRequestLogStore _log = null!;
    private HttpClient _client = null!;
    private string _budgetedKey = null!;

    /// <summary>The <c>limits:</c> section of the gateway under test (none: counted in this process).</summary>
    protected virtual string LimitsYaml => "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _keys = new SqliteKeyStore(new SqliteStoreOptions { Path = Path.Combine(_directory, "keys.db") }, TimeProvider.System);
        _simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
        _budgetedKey = Create("team-a");
        var config = ConfigLoader.Parse($$"""
            server: { listen: "http://127.0.0.1:0" }
            request_log: { flush_interval: 20ms }
            auth: { keys: required }
            providers:
              sim: { kind: openai, base_url: "{{new Uri(_simulator.BaseAddress, "v1")}}" }
            registry: { enforce: off }
            deployments:
              llama: { provider: sim, model: llama, pricing: { input: 1, output: 1 } }
              gpt: { provider: sim, model: gpt, hosting: external }
              coder: { provider: sim, model: coder }
              stalling: { provider: sim, model: "llama@fault-stall" }
            routes:
              stalled: { deployments: [stalling] }
              chat: { deployments: [llama] }
              tiered: { tiers: [ { name: code, when: [code], deployments: [coder] }, { name: open, deployments: [llama] } ] }
              legal: { deployments: [llama] }
              frontier: { deployments: [gpt] }
            budgets:
              skint: { team: team-poor, limit: 0.000001 }
              one-key: { key: {{_budgetedKey[..13]}}, limit: 0.000001 }
            teams:
              team-capped: { rpm: 3 }
              team-ten: { rpm: 10 }
              team-tokens: { tpm: 500 }
            {{LimitsYaml}}
            """, "auth.yaml", _ => null);
        Assert.True(config.Succeeded, string.Join("\n", config.Errors));
        _log = new MemoryRequestLogStore();
        _gateway = await GatewayHost.StartAsync(config.Config!, new GatewayHostOptions { KeyStore = _keys, RequestLogStore = _log });
        _client = new HttpClient { BaseAddress = new Uri(_gateway.BaseAddress, "v1/") };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _simulator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("auth: { keys: required }", AuthMode.Required, true, null)]
    [InlineData("auth: { keys: off }", AuthMode.Off, true, null)]
    [InlineData("", AuthMode.Off, false, null)]
    [InlineData("auth: { keys: maybe }", AuthMode.Off, false, "auth.keys")]
    [InlineData("auth: {}", AuthMode.Off, false, "auth.keys: is required")]
    [InlineData("auth: { keys: off, users: [a] }", AuthMode.Off, false, "users")]
    public void Config_Auth_IsReadAndMistakesReportedWithTheirLine(string auth, AuthMode mode, bool explicitly, string? error)
    {
        var result = ConfigLoader.Parse($$"""
            providers:
              vllm: { kind: openai, base_url: http://localhost:8000/v1 }
            deployments:
              llama: { provider: vllm, model: llama }
            routes:
              chat: { deployments: [llama] }
            {{auth}}
            """, "switchyard.yaml", _ => null);

        if (error is null)
        {
            Assert.True(result.Succeeded, string.Join("\n", result.Errors));
            Assert.Equal(mode, result.Config!.Auth.Keys);
            Assert.Equal(explicitly, result.Config.Auth.Explicit);
        }
        else
        {
            var errors = string.Join("\n", result.Errors);
            Assert.Contains("switchyard.yaml:7:", errors, StringComparison.Ordinal);
            Assert.Contains(error, errors, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Generate_HasThePrefixAndAtLeast128BitsOfSecret_AndParsesBack()
    {
        var (key, id, hash) = ApiKeys.Generate();

        Assert.StartsWith("sy_", key, StringComparison.Ordinal);
        Assert.Equal(ApiKeys.Length, key.Length);
        Assert.True(ApiKeys.TryParse(key, out var parsed));
        Assert.Equal(id, parsed);
        Assert.True(ApiKeys.Matches(key, hash));
        // The secret after "sy_" + id + "_", each character one of 32 symbols: 5 bits each, at least 128 in all.
        var secret = key[(key.LastIndexOf('_') + 1)..];
        Assert.All(secret, c => Assert.Contains(c, "abcdefghijklmnopqrstuvwxyz234567"));
        Assert.True(secret.Length * 5 >= 128, $"{secret.Length * 5} bits");
        Assert.NotEqual(key, ApiKeys.Generate().Key);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sy_")]
    [InlineData("sk-proj-abcdef")]
    [InlineData("SY_abcdefghij_abcdefghijklmnopqrstuvwxyz")]    // upper-case prefix
    [InlineData("sy_abcdefghij_abcdefghijklmnopqrstuvwxy")]     // one short
    [InlineData("sy_abcdefghij_abcdefghijklmnopqrstuvwxyz2")]   // one long
    [InlineData("sy_abcdefghіj_abcdefghijklmnopqrstuvwxyz")]    // Cyrillic і in the id
    [InlineData("sy_abcdefghij_abcdefghijklmnopqrstuvwxy\u200b")] // zero-width space
    [InlineData("sy_abcdefghij_abcdefghijklmnopqrstuvwxy1")]    // 1 is not in the alphabet
    public void TryParse_AnythingButTheExactShape_IsRefused(string text)
    {
        Assert.False(ApiKeys.TryParse(text, out _));
    }

    [Fact]
    public async Task Post_WithAnActiveKey_IsServedAndLoggedWithItsIdAndTeam()
    {
        var key = Create("team-a");

        using var response = await PostAsync("chat", ("Authorization", "Bearer " + key));
        using var anthropicStyle = await PostAsync("chat", ("x-api-key", key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, anthropicStyle.StatusCode);
        var entries = await _log.WaitForEntriesAsync(2, TimeSpan.FromSeconds(10));
        Assert.All(entries, e => Assert.Equal("team-a", e.Team));
        Assert.All(entries, e => Assert.Equal(key[..13], e.KeyId));
    }

    [Theory]
    [InlineData(null, "missing_api_key")]
    [InlineData("Bearer", "missing_api_key")]
    [InlineData("Basic dXNlcjpwYXNz", "invalid_api_key")]
    [InlineData("Bearer sy_aaaaaaaaaa_aaaaaaaaaaaaaaaaaaaaaaaaaa", "invalid_api_key")]
    [InlineData("Bearer sk-1234567890", "invalid_api_key")]
    public async Task Post_WithoutAValidKey_Is401InOpenAIsFormat_AndNeverEchoesTheHeader(string? authorization, string code)
    {
        using var response = authorization is null ? await PostAsync("chat") : await PostAsync("chat", ("Authorization", authorization));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        if (authorization is { Length: > 7 })
        {
            Assert.DoesNotContain(authorization[7..], body, StringComparison.Ordinal);
        }

        Assert.Equal(0, _simulator.Stats.Requests);
    }

    [Fact]
    public async Task Post_AuthorizationRepeatedOnItsOwnLines_IsRefused_EvenWhenBothAreTheKey()
    {
        // Written on the socket: HttpClient would fold the two into one header; here both lines reach Kestrel.
        var key = Create("team-a");
        const string Json = """{"model":"chat","messages":[{"role":"user","content":"Hi"}]}""";

        var (status, _, body) = await RawHttp.SendAsync(_gateway.BaseAddress,
            $"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: {Json.Length}\r\n\r\n{Json}", TimeSpan.FromSeconds(10));
        var (other, _, _) = await RawHttp.SendAsync(_gateway.BaseAddress,
            $"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sy_aaaaaaaaaa_aaaaaaaaaaaaaaaaaaaaaaaaaa\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: {Json.Length}\r\n\r\n{Json}", TimeSpan.FromSeconds(10));

        Assert.Equal(401, status);
        Assert.Contains("more than one Authorization or x-api-key header", body, StringComparison.Ordinal);
        Assert.DoesNotContain(key[14..], body, StringComparison.Ordinal);
        Assert.Equal(401, other);
        Assert.Equal(0, _simulator.Stats.Requests);
    }

    [Fact]
    public async Task Post_OversizedAuthorizationHeader_IsRefusedByKestrelsHeaderLimit_NotRead()
    {
        // server limits: 32 KiB of headers in all (GatewayHost). Beyond it Kestrel answers 431 before any handler runs.
        var huge = "Bearer sy_" + new string('a', 40 * 1024);
        const string Json = """{"model":"chat","messages":[{"role":"user","content":"Hi"}]}""";

        var (status, _, body) = await RawHttp.SendAsync(_gateway.BaseAddress,
            $"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: {huge}\r\nContent-Type: application/json\r\nContent-Length: {Json.Length}\r\n\r\n{Json}", TimeSpan.FromSeconds(10));
        using var large = await PostAsync("chat", ("Authorization", "Bearer sy_" + new string('a', 16 * 1024)));

        Assert.Equal(431, status);
        Assert.DoesNotContain("aaaaaaaaaa", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, large.StatusCode);   // under the limit: just a wrong key
        Assert.DoesNotContain("aaaaaaaaaa", await large.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, _simulator.Stats.Requests);
    }

    [Theory]
    [InlineData("Authorization", "Bearer ", "і")]      // Cyrillic і for i in the id
    [InlineData("Authorization", "Bearer ", "ａ")]     // full-width a
    [InlineData("x-api-key", "", "ı")]                // dotless i
    [InlineData("Authorization", "Bearer ", "\u00e9")] // é: Latin-1, one byte on the wire
    public async Task Post_KeyWithAUnicodeLookAlike_Is401NotA500(string header, string scheme, string lookAlike)
    {
        var key = Create("team-a");
        var forged = key[..5] + lookAlike + key[6..];
        const string Json = """{"model":"chat","messages":[{"role":"user","content":"Hi"}]}""";

        // UTF-8 bytes on the socket, as a client that does not check would send them.
        var (status, _, body) = await RawHttp.SendAsync(_gateway.BaseAddress,
            $"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n{header}: {scheme}{forged}\r\nContent-Type: application/json\r\nContent-Length: {Json.Length}\r\n\r\n{Json}", TimeSpan.FromSeconds(10));

        Assert.Equal(401, status);
        Assert.Equal("invalid_api_key", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain(key[14..], body, StringComparison.Ordinal);
        Assert.Equal(0, _simulator.Stats.Requests);
    }

    [Fact]
    public async Task Post_RightIdWrongSecret_IsRefused()
    {
        var key = Create("team-a");
        var forged = key[..14] + new string(key[14..].Select(c => c == 'a' ? 'b' : 'a').ToArray());

        using var response = await PostAsync("chat", ("Authorization", "Bearer " + forged));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(forged, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_TwoDifferentKeysOrRepeatedHeaders_AreRefused()
    {
        var a = Create("team-a");
        var b = Create("team-b");

        using var both = await PostAsync("chat", ("Authorization", "Bearer " + a), ("x-api-key", b));
        using var same = await PostAsync("chat", ("Authorization", "Bearer " + a), ("x-api-key", a));
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = Body("chat") };
        request.Headers.TryAddWithoutValidation("x-api-key", [a, a]);
        using var repeated = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, both.StatusCode);
        var message = await both.Content.ReadAsStringAsync();
        Assert.Contains("carry different keys", message, StringComparison.Ordinal);
        Assert.DoesNotContain(a[14..], message, StringComparison.Ordinal);
        Assert.DoesNotContain(b[14..], message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, repeated.StatusCode);
    }

    [Fact]
    public async Task Post_KeyLimitedToRoutes_CannotUseAnotherTeamsRoute()
    {
        var key = Create("team-a", routes: ["chat"]);

        using var own = await PostAsync("chat", ("Authorization", "Bearer " + key));
        using var other = await PostAsync("legal", ("Authorization", "Bearer " + key));

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        var error = JsonDocument.Parse(await other.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("route_not_allowed", error.GetProperty("code").GetString());
        Assert.Contains("may not use route 'legal'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ConfidentialKey_IsNeverServedOutside()
    {
        var key = Create("team-a", confidential: true);

        using var response = await PostAsync("frontier", ("Authorization", "Bearer " + key));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("confidential_no_internal_deployment", error.GetProperty("code").GetString());
        Assert.Contains("This request is confidential (key)", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _simulator.Stats.Requests);
    }

    [Fact]
    public async Task Post_RevokedOrExpiredKey_IsRefusedWithinASecond()
    {
        var key = Create("team-a");
        var expired = Create("team-a", expires: DateTimeOffset.UtcNow.AddSeconds(-1));
        using (var before = await PostAsync("chat", ("Authorization", "Bearer " + key)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // Revoked in the database, as `switchyard keys revoke` in another process does: refused once the cache expires.
        var revokedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        Assert.True(_keys.Revoke(key[..13], DateTimeOffset.UtcNow));
        var deadline = KeyAuthenticator.CacheFor + TimeSpan.FromSeconds(2);
        HttpResponseMessage after;
        while ((after = await PostAsync("chat", ("Authorization", "Bearer " + key))).StatusCode == HttpStatusCode.OK
            && System.Diagnostics.Stopwatch.GetElapsedTime(revokedAt) < deadline)
        {
            after.Dispose();
        }

        using var _ = after;
        using var old = await PostAsync("chat", ("Authorization", "Bearer " + expired));

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("was revoked", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Contains("expired", await old.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void Authenticate_KeyRevokedInTheStore_IsTrustedAtMostCacheForThenRefused()
    {
        // The bound is exact: a key read from the store is trusted for CacheFor, and no longer.
        var clock = new Support.ManualClock(DateTimeOffset.UtcNow);
        var authenticator = new KeyAuthenticator(_keys, clock);
        var key = Create("team-a");
        Assert.NotNull(authenticator.Authenticate(Request(key)).Key);

        Assert.True(_keys.Revoke(key[..13], DateTimeOffset.UtcNow));
        clock.Advance(KeyAuthenticator.CacheFor - TimeSpan.FromMilliseconds(1));
        var stale = authenticator.Authenticate(Request(key));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var fresh = authenticator.Authenticate(Request(key));

        Assert.NotNull(stale.Key);
        Assert.Null(fresh.Key);
        Assert.Contains("was revoked", fresh.Error!.Value.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forget_DropsTheCachedKey_SoARevocationInThisProcessIsSeenAtOnce()
    {
        var clock = new Support.ManualClock(DateTimeOffset.UtcNow);
        var authenticator = new KeyAuthenticator(_keys, clock);
        var key = Create("team-a");
        Assert.NotNull(authenticator.Authenticate(Request(key)).Key);

        Assert.True(_keys.Revoke(key[..13], DateTimeOffset.UtcNow));
        authenticator.Forget(key[..13]);

        Assert.Null(authenticator.Authenticate(Request(key)).Key);
    }

    [Fact]
    public async Task Post_TeamBudget_LimitsThatTeamsKeysOnly()
    {
        using var poor = await PostAsync("chat", ("Authorization", "Bearer " + Create("team-poor")));
        using var rich = await PostAsync("chat", ("Authorization", "Bearer " + Create("team-a")));

        Assert.Equal(HttpStatusCode.TooManyRequests, poor.StatusCode);
        var message = JsonDocument.Parse(await poor.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString();
        Assert.Contains("Budget 'skint' (team 'team-poor', ", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, rich.StatusCode);
    }

    [Fact]
    public async Task Post_RequestsPerMinute_HoldUnderAHundredParallelClients()
    {
        var key = CreateLimited(rpm: 7, tpm: null);
        await AwayFromAMinuteBoundaryAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => PostAsync("chat", ("Authorization", "Bearer " + key))));

        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var limited = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        var error = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("requests", error.GetProperty("type").GetString());
        Assert.InRange(int.Parse(limited.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal("7", limited.Header("x-ratelimit-limit-requests"));
        Assert.Equal("0", limited.Header("x-ratelimit-remaining-requests"));
        var first = responses.First(r => r.StatusCode == HttpStatusCode.OK);
        Assert.EndsWith("s", first.Header("x-ratelimit-reset-requests"), StringComparison.Ordinal);
        Assert.All(responses, r => r.Dispose());
    }

    [Fact]
    public async Task Post_TokensPerMinute_AreReservedFromTheEstimateAndSettledWithTheUsage()
    {
        var key = CreateLimited(rpm: null, tpm: 1000);
        await AwayFromAMinuteBoundaryAsync();

        // max_tokens 600: the first request reserves about 610 of the 1,000; a second one does not fit its estimate...
        using var first = await PostAsync("chat", """{"model":"chat","messages":[{"role":"user","content":"Hello"}],"max_tokens":600}""", ("Authorization", "Bearer " + key));
        using var second = await PostAsync("chat", """{"model":"chat","messages":[{"role":"user","content":"Hello"}],"max_tokens":600}""", ("Authorization", "Bearer " + key));

        // ... until the first settled with what it really used (a short answer): now it does.
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var remaining = long.Parse(second.Header("x-ratelimit-remaining-tokens")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(remaining, 0, 1000 - 600);
        using var third = await PostAsync("chat", """{"model":"chat","messages":[{"role":"user","content":"Hello"}],"max_tokens":900}""", ("Authorization", "Bearer " + key));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("tokens", JsonDocument.Parse(await third.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Post_TeamLimit_IsSharedByAllItsKeys()
    {
        string[] keys = [Create("team-capped"), Create("team-capped"), Create("team-capped")];
        await AwayFromAMinuteBoundaryAsync();

        var responses = await Task.WhenAll(keys.SelectMany(k => Enumerable.Repeat(k, 4)).Select(k => PostAsync("chat", ("Authorization", "Bearer " + k))));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var limited = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Contains("for team team-capped on requests per min", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.All(responses, r => r.Dispose());
    }

    [Fact]
    public async Task Post_TeamLimit_HoldsUnderAHundredParallelClientsOnTwoKeys()
    {
        string[] keys = [CreateLimited(rpm: 8, tpm: null, team: "team-ten"), CreateLimited(rpm: 8, tpm: null, team: "team-ten")];
        await AwayFromAMinuteBoundaryAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => PostAsync("chat", ("Authorization", "Bearer " + keys[i % 2]))));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, r.StatusCode.ToString()));
        var entries = await _log.WaitForEntriesAsync(100, TimeSpan.FromSeconds(30));
        Assert.All(keys, k => Assert.InRange(entries.Count(e => e.KeyId == k[..13] && e.Status == 200), 2, 8));
        Assert.All(responses, r => r.Dispose());
    }

    [Fact]
    public async Task Post_RefusedByTheTeam_Has429HeadersOfTheTeamsLimit_AndTheKeysCountIsGivenBack()
    {
        var key = CreateLimited(rpm: 2, tpm: null, team: "team-tokens");
        await AwayFromAMinuteBoundaryAsync();
        const string Huge = """{"model":"chat","messages":[{"role":"user","content":"Hello"}],"max_tokens":5000}""";

        // Twice refused by the team's 500 tokens a minute: the key's 2 requests a minute must not be spent by them.
        using var first = await PostAsync("chat", Huge, ("Authorization", "Bearer " + key));
        using var second = await PostAsync("chat", Huge, ("Authorization", "Bearer " + key));
        using var small = await PostAsync("chat", """{"model":"chat","messages":[{"role":"user","content":"Hi"}],"max_tokens":20}""", ("Authorization", "Bearer " + key));

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal("500", first.Header("x-ratelimit-limit-tokens"));       // the team's limit, which refused
        Assert.Null(first.Header("x-ratelimit-limit-requests"));             // not the key's, which did not
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal("1", small.Header("x-ratelimit-remaining-requests"));
    }

    [Fact]
    public async Task Post_RefusedByTheTeamsRequestLimit_HeadersDescribeTheTeamNotTheKey()
    {
        var key = CreateLimited(rpm: 100, tpm: null, team: "team-capped");
        await AwayFromAMinuteBoundaryAsync();

        for (var i = 0; i < 3; i++)
        {
            using var admitted = await PostAsync("chat", ("Authorization", "Bearer " + key));
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        using var refused = await PostAsync("chat", ("Authorization", "Bearer " + key));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("3", refused.Header("x-ratelimit-limit-requests"));
        Assert.Equal("0", refused.Header("x-ratelimit-remaining-requests"));
        Assert.Contains("for team team-capped on requests per min (RPM): Limit 3", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_EstimateAboveTheTokensPerMinute_Is429RequestTooLarge_EvenInAnEmptyWindow()
    {
        var key = CreateLimited(rpm: null, tpm: 1000);
        await AwayFromAMinuteBoundaryAsync();

        using var response = await PostAsync("chat", """{"model":"chat","messages":[{"role":"user","content":"Hello"}],"max_tokens":5000}""", ("Authorization", "Bearer " + key));

        // As OpenAI answers a request larger than the TPM limit: 429, type tokens, and no point in retrying it.
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("tokens", error.GetProperty("type").GetString());
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.StartsWith($"Request too large for key {key[..13]} on tokens per min (TPM): Limit 1000, Requested 50", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("must be reduced", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("false", response.Header("x-should-retry"));
        Assert.Null(response.Headers.RetryAfter);
        Assert.Equal(0, _simulator.Stats.Requests);
    }

    [Fact]
    public async Task Post_KeyConcurrencyCap_IsA429WhileTheOthersAreInFlight()
    {
        var (key, id, hash) = ApiKeys.Generate();
        Assert.True(_keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = "team-a", MaxConcurrency = 1, Created = DateTimeOffset.UtcNow }));

        // A stream whose upstream stalls after its first chunk keeps one request in flight until the client leaves.
        using var streaming = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
        {
            Content = new StringContent("""{"model":"stalled","stream":true,"messages":[{"role":"user","content":"Hello"}]}""", Encoding.UTF8, "application/json"),
        };
        streaming.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        var held = await _client.SendAsync(streaming, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        using var refused = await PostAsync("chat", ("Authorization", "Bearer " + key));
        held.Dispose();
        await _gateway.FlushRequestLogAsync().WaitAsync(TimeSpan.FromSeconds(30));
        using var after = await PostAsync("chat", ("Authorization", "Bearer " + key));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Contains($"Too many requests in flight for key {id}: at most 1 at once", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public void Authenticate_UnknownIdAndWrongSecret_TakeTheSameTime()
    {
        // A statistical check with a generous bound: were an unknown id refused before any hashing, an attacker could tell
        // real ids from guesses by timing. Both paths hash and compare; their medians stay within a factor of two.
        var key = Create("team-a");
        var authenticator = new KeyAuthenticator(_keys, TimeProvider.System);
        var wrongSecret = Request(key[..14] + new string('a', 26));
        var unknownId = Request("sy_zzzzzzzzzz_" + new string('a', 26));
        Assert.Null(authenticator.Authenticate(wrongSecret).Key);
        Assert.Null(authenticator.Authenticate(unknownId).Key);

        const int Rounds = 20_000;
        var known = new long[Rounds];
        var unknown = new long[Rounds];
        for (var i = 0; i < Rounds; i++)
        {
            // Interleaved, so drift on a shared machine hits both alike.
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            authenticator.Authenticate(wrongSecret);
            var middle = System.Diagnostics.Stopwatch.GetTimestamp();
            authenticator.Authenticate(unknownId);
            var end = System.Diagnostics.Stopwatch.GetTimestamp();
            known[i] = middle - start;
            unknown[i] = end - middle;
        }

        Array.Sort(known);
        Array.Sort(unknown);
        var ratio = (double)known[Rounds / 2] / Math.Max(1, unknown[Rounds / 2]);
        Assert.InRange(ratio, 0.5, 2.0);
    }

    [Fact]
    public async Task Post_KeyBudget_LimitsThatKeyOnly()
    {
        using var limited = await PostAsync("chat", ("Authorization", "Bearer " + _budgetedKey));
        using var other = await PostAsync("chat", ("Authorization", "Bearer " + Create("team-a")));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var message = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString();
        Assert.Contains($"Budget 'one-key' (key {_budgetedKey[..13]}, ", message, StringComparison.Ordinal);
        Assert.DoesNotContain(_budgetedKey, message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Post_KeyWithDefaultTags_ChoosesTheirTier_UnlessTheRequestBringsItsOwn()
    {
        var (key, id, hash) = ApiKeys.Generate();
        Assert.True(_keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = "team-a", Tags = ["code"], Metadata = new Dictionary<string, string> { ["owner"] = "ci" }, Created = DateTimeOffset.UtcNow }));
        var plain = Create("team-a");

        using var tagged = await PostAsync("tiered", ("Authorization", "Bearer " + key));
        using var untagged = await PostAsync("tiered", ("Authorization", "Bearer " + plain));

        Assert.Equal("coder", tagged.Header("x-switchyard-deployment"));
        Assert.Equal("key:code", tagged.Header("x-switchyard-rule"));
        Assert.Equal("llama", untagged.Header("x-switchyard-deployment"));
        Assert.Equal("ci", _keys.Find(id)!.Metadata["owner"]);
    }

    [Fact]
    public async Task Post_KeysOwnBudget_StopsThatKeyWhenSpent()
    {
        var (key, id, hash) = ApiKeys.Generate();
        // $0.0005 a day at $1 per million tokens: enough for a small request (50 answer tokens), not for the worst case of
        // max_tokens 100,000.
        Assert.True(_keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = "team-a", BudgetUsd = 0.0005, BudgetPeriod = "day", Created = DateTimeOffset.UtcNow }));

        using var small = await PostAsync("chat", """{"model":"chat","messages":[{"role":"user","content":"Hi"}],"max_tokens":50}""", ("Authorization", "Bearer " + key));
        using var huge = await PostAsync("chat", """{"model":"chat","messages":[{"role":"user","content":"Hi"}],"max_tokens":100000}""", ("Authorization", "Bearer " + key));

        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, huge.StatusCode);
        var message = JsonDocument.Parse(await huge.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString();
        Assert.Contains($"Budget 'key {id}' (key {id}, $0.00 a day)", message, StringComparison.Ordinal);
        Assert.Contains("ask for a key with a larger --budget", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Models_NeedsAKeyToo()
    {
        using var anonymous = await _client.GetAsync("models");
        using var request = new HttpRequestMessage(HttpMethod.Get, "models");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Create("team-a"));
        using var keyed = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
    }

    [Theory]
    [InlineData("POST", "/V1/chat/completions", """{"model":"chat","messages":[{"role":"user","content":"Hi"}]}""")]
    [InlineData("POST", "/v1/Chat/Completions", """{"model":"chat","messages":[{"role":"user","content":"Hi"}]}""")]
    [InlineData("POST", "/v1/chat/completions", """{"model":"chat","messages":[{"role":"user","content":"Hi"}]}""")]
    [InlineData("POST", "/V1/COMPLETIONS", """{"model":"chat","prompt":"Hi"}""")]
    [InlineData("POST", "/v1/completions", """{"model":"chat","prompt":"Hi"}""")]
    [InlineData("POST", "/v1/EMBEDDINGS", """{"model":"chat","input":"Hi"}""")]
    [InlineData("POST", "/v1/embeddings", """{"model":"chat","input":"Hi"}""")]
    [InlineData("GET", "/V1/models", null)]
    [InlineData("GET", "/v1/Models", null)]
    [InlineData("GET", "/V1/MODELS/chat", null)]
    public async Task Request_AnyCasingOfAV1Path_NeedsAKey(string method, string path, string? json)
    {
        // SECURITY: routing matches paths case-insensitively; authentication must too, or /V1 reaches the upstream free.
        using var client = new HttpClient { BaseAddress = _gateway.BaseAddress };
        HttpRequestMessage Request(string? key)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            if (key is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
            }

            return request;
        }

        using (var anonymous = await client.SendAsync(Request(null)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("missing_api_key", JsonDocument.Parse(await anonymous.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        Assert.Equal(0, _simulator.Stats.Requests);
        using var keyed = await client.SendAsync(Request(Create("team-a")));
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
    }

    [Fact]
    public async Task Forwarder_KeysRequiredButNoAuthenticatedKey_FailsClosedWith401()
    {
        // Whatever lets a request reach the forwarder without the middleware's say-so (a new endpoint, a path the
        // middleware missed), the forwarder itself refuses it.
        var runtime = new Gateway.Internal.GatewayRuntime(_gateway.Config, null, TimeProvider.System);
        using var forwarder = new Gateway.Forwarding.RequestForwarder(runtime, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Gateway.Forwarding.RequestForwarder>.Instance);
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream("""{"model":"chat","messages":[{"role":"user","content":"Hi"}]}"""u8.ToArray());
        var answer = new MemoryStream();
        context.Response.Body = answer;

        await forwarder.HandleAsync(context, Gateway.Api.EndpointKind.ChatCompletions);

        Assert.Equal(401, context.Response.StatusCode);
        Assert.Contains("missing_api_key", Encoding.UTF8.GetString(answer.ToArray()), StringComparison.Ordinal);
        Assert.Equal(0, _simulator.Stats.Requests);
        runtime.Dispose();
    }

    [Fact]
    public async Task Messages_WithoutKey_IsAnthropicsAuthenticationError()
    {
        using var response = await MessagesAsync("chat");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("authentication_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Messages_KeyAsXApiKey_Answers()
    {
        using var response = await MessagesAsync("chat", ("x-api-key", Create("team-a")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("message", json.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Messages_RouteTheKeyMayNotUse_IsAnthropicsPermissionError()
    {
        using var response = await MessagesAsync("frontier", ("x-api-key", Create("team-a", routes: ["chat"])));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("permission_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("frontier", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_OverBudget_IsAnthropicsRateLimitError()
    {
        using var response = await MessagesAsync("chat", ("x-api-key", Create("team-poor")));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("rate_limit_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("skint", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> MessagesAsync(string route, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "messages")
        {
            Content = new StringContent($$"""{"model":"{{route}}","max_tokens":20,"messages":[{"role":"user","content":"Hello"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return _client.SendAsync(request);
    }

    private string Create(string team, string[]? routes = null, bool confidential = false, DateTimeOffset? expires = null)
    {
        var (key, id, hash) = ApiKeys.Generate();
        Assert.True(_keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = team, Routes = routes ?? [], Confidential = confidential, Created = DateTimeOffset.UtcNow, Expires = expires }));
        return key;
    }

    private static Microsoft.AspNetCore.Http.HttpRequest Request(string key)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + key;
        return context.Request;
    }

    private string CreateLimited(int? rpm, int? tpm, string team = "team-a")
    {
        var (key, id, hash) = ApiKeys.Generate();
        Assert.True(_keys.Add(new ApiKeyRecord { Id = id, Hash = hash, Team = team, RequestsPerMinute = rpm, TokensPerMinute = tpm, Created = DateTimeOffset.UtcNow }));
        return key;
    }

    /// <summary>The limits count in clock minutes: a test that straddled one would see two windows.</summary>
    private static async Task AwayFromAMinuteBoundaryAsync()
    {
        var second = DateTimeOffset.UtcNow.Second;
        if (second >= 50)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - second));
        }
    }

    private Task<HttpResponseMessage> PostAsync(string model, params (string Name, string Value)[] headers)
        => PostAsync(model, null, headers);

    private async Task<HttpResponseMessage> PostAsync(string model, string? json, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = json is null ? Body(model) : new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await _client.SendAsync(request);
    }

    private static StringContent Body(string model) => new($$"""{"model":"{{model}}","messages":[{"role":"user","content":"Hello"}]}""", Encoding.UTF8, "application/json");
}
