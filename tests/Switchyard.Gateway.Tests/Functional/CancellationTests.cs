namespace Switchyard.Gateway.Tests.Functional;

/// <summary>A client that goes away cancels the upstream call at once.</summary>
public class CancellationTests
{
    [Fact]
    public async Task Post_ClientDisconnectsMidStream_UpstreamRequestIsAborted()
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Slow, d => d, [("chat", [("slow", "llama")])]);

        var response = await gateway.PostAsync(
            "chat/completions",
            """{"model":"chat","stream":true,"max_tokens":400,"messages":[{"role":"user","content":"A long story, please."}]}""",
            HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        Assert.True(await stream.ReadAsync(buffer) > 0);

        // Closing the response closes the connection: the gateway must abort its upstream request.
        response.Dispose();
        await gateway.Simulator.Stats.WaitForAbortAsync(1, TimeSpan.FromSeconds(10));

        // The gateway records the request once its handler has unwound, which may be just after the upstream saw the abort.
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(499, entry.Status);
    }

    [Fact]
    public async Task Post_ClientDisconnectsWhileTheUpstreamIsSilent_UpstreamConnectionIsClosedAtOnce()
    {
        // The upstream sends two chunks and then nothing (a model server deep in a long generation step). The client
        // leaving must close the upstream connection at once, not at the next chunk, so the server stops generating.
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Instant, d => d, [("chat", [("stall", "fault-stall")])]);
        // This client closes its connection when it drops the response (the test's own HttpClient would drain it too).
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = gateway.Client.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
        {
            Content = new StringContent("""{"model":"chat","stream":true,"messages":[{"role":"user","content":"A long story, please."}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        Assert.True(await stream.ReadAsync(buffer) > 0);

        var left = System.Diagnostics.Stopwatch.StartNew();
        response.Dispose();
        await gateway.Simulator.Stats.WaitForAbortAsync(1, TimeSpan.FromSeconds(10));
        Assert.True(left.Elapsed < TimeSpan.FromSeconds(1.5), $"the upstream saw the abort {left.Elapsed.TotalMilliseconds:0} ms after the client left");
    }

    [Fact]
    public async Task Post_ClientGivesUpBeforeTheAnswer_UpstreamRequestIsAborted()
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Slow, d => d, [("chat", [("slow", "llama")])]);
        using var cts = new CancellationTokenSource();
        var pending = gateway.PostAsync("chat/completions", """{"model":"chat","max_tokens":400,"messages":[{"role":"user","content":"A long story."}]}""", cancellationToken: cts.Token);
        await gateway.Simulator.Stats.WaitForRequestsAsync(1, TimeSpan.FromSeconds(10));

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        await gateway.Simulator.Stats.WaitForAbortAsync(1, TimeSpan.FromSeconds(10));
    }
}
