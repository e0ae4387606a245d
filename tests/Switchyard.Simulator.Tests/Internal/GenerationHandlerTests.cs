using System.Diagnostics;
using System.Net;
using System.Text.Json;
using static Switchyard.Simulator.Tests.SimulatorFixture;

namespace Switchyard.Simulator.Tests.Internal;

/// <summary>Stream faults, timing and client disconnects, over real sockets.</summary>
public sealed class GenerationHandlerTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static readonly string StreamBody = ChatBody(Perfect, "Tell me about forests.", "\"stream\":true");
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task CutBeforeFirstChunk_SendsHeadersThenDropsTheConnection()
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", StreamBody, ("x-sim-fault", "cut_before_first_chunk")), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync();
        await Assert.ThrowsAnyAsync<IOException>(() => SseStream.ReadAllDataAsync(stream));
    }

    [Fact]
    public async Task CutAfterFirstChunk_SendsOneContentChunkThenDropsTheConnection()
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", StreamBody, ("x-sim-fault", "cut_after_first_chunk")), HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var received = new List<string>();
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            await foreach (var data in SseStream.ReadDataAsync(stream))
            {
                received.Add(data);
            }
        });

        // The role chunk, then exactly one chunk with content.
        Assert.Equal(2, received.Count);
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(received[1]).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
    }

    [Fact]
    public async Task CutFault_NotStreaming_AbortsTheConnection()
    {
        await Assert.ThrowsAsync<HttpRequestException>(() => _client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "hi"), ("x-sim-fault", "cut_after_first_chunk"))));
    }

    [Fact]
    public async Task MalformedChunk_SendsOneInvalidEventAndCarriesOn()
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", StreamBody, ("x-sim-fault", "malformed_chunk")), HttpCompletionOption.ResponseHeadersRead);
        var events = await SseStream.ReadAllDataAsync(await response.Content.ReadAsStreamAsync());
        Assert.Equal("[DONE]", events[^1]);
        var invalid = 0;
        foreach (var data in events[..^1])
        {
            try
            {
                JsonDocument.Parse(data).Dispose();
            }
            catch (JsonException)
            {
                invalid++;
            }
        }

        Assert.Equal(1, invalid);
        Assert.True(events.Count > 5);
    }

    [Fact]
    public async Task MissingDone_EndsTheStreamNormallyWithoutDone()
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", StreamBody, ("x-sim-fault", "missing_done")), HttpCompletionOption.ResponseHeadersRead);
        var events = await SseStream.ReadAllDataAsync(await response.Content.ReadAsStreamAsync());
        Assert.DoesNotContain("[DONE]", events);
        Assert.Equal("stop", JsonDocument.Parse(events[^1]).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task ContentFilter_AnswersEmptyContentWithFinishReasonContentFilter()
    {
        using var response = await _client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "hi"), ("x-sim-fault", "content_filter")));
        Assert.Equal("bad:content_filter", Assert.Single(response.Headers.GetValues("x-sim-quality")));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal("content_filter", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("", choice.GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Stall_SendsOneChunkThenWaits_AndTheClientsCancelIsCounted()
    {
        await using var host = await SimulatorHost.StartAsync(Options());
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var response = await client.SendAsync(Post("v1/chat/completions", StreamBody, ("x-sim-fault", "stall")), HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        using var cancel = new CancellationTokenSource();
        var received = 0;
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in SseStream.ReadDataAsync(stream, cancel.Token))
            {
                if (Interlocked.Increment(ref received) == 2)
                {
                    // The role chunk and one content chunk: now nothing more comes, so give up as a client would.
                    await cancel.CancelAsync();
                }
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        response.Dispose();
        await host.Stats.WaitForAbortAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal(2, received);
    }

    [Fact]
    public async Task ClientCancelsMidStream_IsCountedAsAborted()
    {
        await using var host = await SimulatorHost.StartAsync(Options());
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var response = await client.SendAsync(Post("v1/chat/completions", StreamBody, ("x-sim-tokens-per-second", "20")), HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        await using (var enumerator = SseStream.ReadDataAsync(stream).GetAsyncEnumerator())
        {
            Assert.True(await enumerator.MoveNextAsync());
        }

        response.Dispose();
        await host.Stats.WaitForAbortAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal(1, host.Stats.RequestsAborted);
    }

    [Fact]
    public async Task TimeToFirstToken_WithAFakeClock_AnswersOnlyWhenTheClockGetsThere()
    {
        var clock = new ManualClock();
        var options = Options() with
        {
            TimeProvider = clock,
            Models = [new SimulatedModel { Name = "slow", TimeToFirstToken = TimeSpan.FromSeconds(10), Skill = PerfectSkill }],
        };
        await using var host = await SimulatorHost.StartAsync(options);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        var call = client.SendAsync(Post("v1/chat/completions", ChatBody("slow", "hi")));
        await clock.WaitForTimersAsync(1, TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(call.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(1));
        using var response = await call.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TimeToFirstTokenHeader_DelaysTheFirstChunkAtLeastThatLong()
    {
        var watch = Stopwatch.StartNew();
        using var response = await _client.SendAsync(Post("v1/chat/completions", StreamBody, ("x-sim-ttft-ms", "150")), HttpCompletionOption.ResponseHeadersRead);
        await using var enumerator = SseStream.ReadDataAsync(await response.Content.ReadAsStreamAsync()).GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync());
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(145), $"first chunk after {watch.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task TokensPerSecondHeader_PacesTheStream()
    {
        var body = ChatBody(Perfect, "Tell me about forests.", "\"stream\":true,\"max_tokens\":21");
        var watch = Stopwatch.StartNew();
        using var response = await _client.SendAsync(Post("v1/chat/completions", body, ("x-sim-tokens-per-second", "100")), HttpCompletionOption.ResponseHeadersRead);
        var events = await SseStream.ReadAllDataAsync(await response.Content.ReadAsStreamAsync());

        // 21 tokens at 100/s: the first at once, the last 200 ms later.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(195), $"stream took {watch.Elapsed.TotalMilliseconds} ms");
        Assert.Equal("[DONE]", events[^1]);
    }

    [Fact]
    public async Task SlowFirstToken_WaitsTheFaultDelayThenAnswers()
    {
        var watch = Stopwatch.StartNew();
        using var response = await _client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "hi"), ("x-sim-fault", "slow_first_token"), ("x-sim-fault-delay-ms", "120")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(115), $"answered after {watch.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task PromptLongerThanTheContextWindow_Answers400ContextLengthExceeded()
    {
        await using var host = await SimulatorHost.StartAsync(new SimulatorOptions { Models = [new SimulatedModel { Name = "tiny", ContextWindow = 64 }] });
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var response = await client.SendAsync(Post("v1/chat/completions", ChatBody("tiny", new string('x', 400))));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("context_length_exceeded", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Dispose_WithAStalledRequest_StopsPromptly()
    {
        var host = await SimulatorHost.StartAsync(Options());
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var call = client.SendAsync(Post("v1/chat/completions", ChatBody(Perfect, "hi"), ("x-sim-fault", "no_response")));
        await host.Stats.WaitAsync(s => s.FaultsInjected == 1, "the fault", TimeSpan.FromSeconds(10));

        var watch = Stopwatch.StartNew();
        await host.DisposeAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"stop took {watch.Elapsed.TotalSeconds} s");
        await Assert.ThrowsAsync<HttpRequestException>(() => call);
        Assert.Equal(0, host.Stats.RequestsAborted);
    }
}
