using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using static Switchyard.Simulator.Tests.SimulatorFixture;

namespace Switchyard.Simulator.Tests.Internal;

/// <summary>The faults that replace the whole response, asked for by header, by model name or by configured rate.</summary>
public sealed class FaultResponderTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task RateLimit_Answers429WithRetryAfterAndOpenAIError()
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "hi"), ("x-sim-fault", "rate_limit")));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter!.Delta);
        Assert.Equal("rate_limit", Assert.Single(response.Headers.GetValues("x-sim-fault")));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("requests", error.GetProperty("type").GetString());
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task RateLimit_RetryAfterHeader_OverridesTheDelay()
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "hi"), ("x-sim-fault", "rate_limit"), ("x-sim-retry-after", "7")));
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
    }

    [Theory]
    [InlineData("server_error", 500, "server_error")]
    [InlineData("unavailable", 503, "server_error")]
    [InlineData("context_length_exceeded", 400, "invalid_request_error")]
    public async Task StatusFault_AnswersItsStatusInOpenAIFormat(string fault, int status, string type)
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "hi"), ("x-sim-fault", fault)));
        Assert.Equal(status, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(type, json.RootElement.GetProperty("error").GetProperty("type").GetString());
        if (fault == "context_length_exceeded")
        {
            Assert.Equal("context_length_exceeded", json.RootElement.GetProperty("error").GetProperty("code").GetString());
            Assert.StartsWith("This model's maximum context length is", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("fault-unavailable")]
    [InlineData("perfect@fault-unavailable")]
    public async Task FaultModelName_InjectsTheFault(string model)
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", ChatBody(model, "hi")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task FaultModelSuffix_OtherwiseServesThatModel()
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", ChatBody("perfect@fault-missing_done", "hi")));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("perfect", json.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task UnknownFault_Answers400NamingTheValidFaults()
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "hi"), ("x-sim-fault", "meteor")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("rate_limit", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_AbortsTheConnectionWithoutAResponse()
    {
        await Assert.ThrowsAsync<HttpRequestException>(() => _client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "hi"), ("x-sim-fault", "reset"))));
    }

    [Fact]
    public async Task Embeddings_Fault_AppliesThere_Too()
    {
        using var response = await _client.SendAsync(Post("v1/embeddings", """{"model":"perfect","input":"hi"}""", ("x-sim-fault", "server_error")));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task NoResponse_WaitsUntilTheClientGivesUp_AndCountsTheAbort()
    {
        await using var host = await SimulatorHost.StartAsync(Options());
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var cancel = new CancellationTokenSource();
        var call = client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "hi"), ("x-sim-fault", "no_response")), cancel.Token);
        await host.Stats.WaitAsync(s => s.GetFaultCount(SimulatorFaults.NoResponse) == 1, "the fault", TimeSpan.FromSeconds(10));
        Assert.False(call.IsCompleted);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await host.Stats.WaitForAbortAsync(1, TimeSpan.FromSeconds(10));
        await host.Stats.WaitForIdleAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task FaultRates_DrawFaultsFromTheSeededSource()
    {
        var model = new SimulatedModel { Name = "flaky", FaultRates = ImmutableDictionary<string, double>.Empty.Add(SimulatorFaults.ServerError, 0.5) };
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions { Models = [model], Seed = 3 });
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var failures = 0;
        for (var i = 0; i < 100; i++)
        {
            using var response = await client.SendAsync(Post("v1/chat/completions", ChatBody("flaky", "hi")));
            failures += response.StatusCode == HttpStatusCode.InternalServerError ? 1 : 0;
        }

        Assert.InRange(failures, 30, 70);
        Assert.Equal(failures, host.Stats.GetFaultCount(SimulatorFaults.ServerError));
        Assert.Equal(failures, host.Stats.FaultsInjected);
    }
}
