using System.Net;
using System.Text;
using System.Text.Json;

namespace Switchyard.Gateway.Tests.Functional;

/// <summary>Every bad request gets a 4xx in OpenAI's error format that says what was wrong; nothing reaches upstream.</summary>
public class BadInputTests
{
    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
        Assert.True(error.TryGetProperty("param", out _));
        Assert.True(error.TryGetProperty("code", out _));
        return error.Clone();
    }

    [Fact]
    public async Task Post_MalformedJson_Is400WithPosition()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "m")]));
        using var response = await gateway.PostAsync("chat/completions", "{\"model\": \"chat\",\n \"messages\": [ {\"role\": \"user\", \"content\": \"hi\"} ,, ]}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Contains("line 2", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(0, gateway.Simulator.Stats.Requests);
    }

    [Fact]
    public async Task Post_UnknownModel_Is404ListingTheRoutes()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "m")]), ("frontier", [("gpt", "g")]));
        using var response = await gateway.PostAsync("chat/completions", """{"model":"gpt-5","messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Contains("chat, frontier", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(404, Assert.Single(await gateway.LogEntriesAsync()).Status);
    }

    [Fact]
    public async Task Post_WrongType_Is400NamingTheParameter()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "m")]));
        using var response = await gateway.PostAsync("chat/completions", """{"model":"chat","messages":[{"role":"user","content":"x"}],"temperature":"warm"}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("temperature", (await ErrorOf(response)).GetProperty("param").GetString());
    }

    [Fact]
    public async Task Post_BodyOverTheLimit_Is413WithContentLength()
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Instant, d => d, [("chat", [("llama", "m")])], maxRequestBodyBytes: 1024);
        var big = $$"""{"model":"chat","messages":[{"role":"user","content":"{{new string('x', 4000)}}"}]}""";
        using var response = await gateway.PostAsync("chat/completions", big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var message = (await ErrorOf(response)).GetProperty("message").GetString();
        Assert.Contains("1,024", message, StringComparison.Ordinal);
        Assert.Contains("max_request_body_bytes", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ChunkedBodyOverTheLimit_Is413()
    {
        await using var gateway = await TestGateway.StartAsync(SimulatorFixtures.Instant, d => d, [("chat", [("llama", "m")])], maxRequestBodyBytes: 1024);
        var bytes = Encoding.UTF8.GetBytes($$"""{"model":"chat","messages":[{"role":"user","content":"{{new string('x', 4000)}}"}]}""");
        using var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Post_UnknownEndpoint_Is404InOpenAIFormat()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "m")]));
        using var response = await gateway.PostAsync("images/generations", """{"prompt":"a cat"}""");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("unknown_url", (await ErrorOf(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Get_OnAPostEndpoint_Is405SayingWhichMethod()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "m")]));
        using var response = await gateway.Client.GetAsync("chat/completions");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("use POST", (await ErrorOf(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BodyShorterThanItsContentLength_IsAnsweredAndLoggedAsTheClientsFault()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "m")]));
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(gateway.Gateway.BaseAddress.Host, gateway.Gateway.BaseAddress.Port);
        var body = "{\"model\":\"chat\",\"messages\":[";
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{body}"));
        socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);

        // The client gave up on its upload: the request is recorded as its fault (4xx), never as a gateway failure.
        var entry = Assert.Single(await gateway.Log.WaitForEntriesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.InRange(entry.Status, 400, 499);
        Assert.Equal(0, gateway.Simulator.Stats.Requests);
    }

    [Fact]
    public async Task Post_EmptyBody_Is400()
    {
        await using var gateway = await TestGateway.StartAsync(("chat", [("llama", "m")]));
        using var response = await gateway.PostAsync("chat/completions", "");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ErrorOf(response);
    }
}
