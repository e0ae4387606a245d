using System.Buffers.Binary;
using System.Net;
using System.Text.Json;
using static Switchyard.Simulator.Tests.SimulatorFixture;

namespace Switchyard.Simulator.Tests.Internal;

/// <summary><c>POST /v1/embeddings</c> over a real socket.</summary>
public sealed class EmbeddingsHandlerTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Embeddings_FloatAndBase64_AreTheSameUnitVector()
    {
        using var floats = await EmbedAsync("""{"model":"perfect","input":"The quick brown fox"}""");
        using var base64 = await EmbedAsync("""{"model":"perfect","input":"The quick brown fox","encoding_format":"base64"}""");
        var asFloats = floats.RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var bytes = Convert.FromBase64String(base64.RootElement.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var decoded = Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))).ToArray();

        Assert.Equal(256, asFloats.Length);
        Assert.Equal(asFloats, decoded);
        Assert.InRange(Math.Sqrt(asFloats.Sum(v => (double)v * v)), 0.9999, 1.0001);
        Assert.Equal("list", floats.RootElement.GetProperty("object").GetString());
        Assert.Equal("embedding", floats.RootElement.GetProperty("data")[0].GetProperty("object").GetString());
        Assert.True(floats.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task Embeddings_SameInput_SameVector_SimilarTextsCloser()
    {
        var a = await VectorAsync("the cat sat on the mat");
        var again = await VectorAsync("the cat sat on the mat");
        var similar = await VectorAsync("the cat sat on a mat today");
        var unrelated = await VectorAsync("quarterly revenue grew in europe");
        Assert.Equal(a, again);
        Assert.True(Dot(a, similar) > Dot(a, unrelated) + 0.2, $"similar {Dot(a, similar)}, unrelated {Dot(a, unrelated)}");
    }

    [Fact]
    public async Task Embeddings_ArraysAndTokens_OneVectorPerInputWithTheAskedDimensions()
    {
        using var json = await EmbedAsync("""{"model":"perfect","input":["one","two",[1,2,3]],"dimensions":64}""");
        var data = json.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], data.Select(d => d.GetProperty("index").GetInt32()));
        Assert.All(data, d => Assert.Equal(64, d.GetProperty("embedding").GetArrayLength()));

        using var tokens = await EmbedAsync("""{"model":"perfect","input":[[5,6],[7]]}""");
        Assert.Equal(2, tokens.RootElement.GetProperty("data").GetArrayLength());
        Assert.Equal(3, tokens.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Theory]
    [InlineData("""{"model":"perfect","input":""}""")]
    [InlineData("""{"model":"perfect","input":[]}""")]
    [InlineData("""{"model":"perfect"}""")]
    [InlineData("""{"model":"perfect","input":"x","dimensions":0}""")]
    [InlineData("""{"model":"perfect","input":"x","encoding_format":"hex"}""")]
    public async Task Embeddings_InvalidRequest_Answers400(string body)
    {
        using var response = await _client.SendAsync(Post("v1/embeddings", body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    private static double Dot(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);

    private async Task<float[]> VectorAsync(string text)
    {
        using var json = await EmbedAsync($$"""{"model":"perfect","input":"{{text}}"}""");
        return json.RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
    }

    private async Task<JsonDocument> EmbedAsync(string body)
    {
        using var response = await _client.SendAsync(Post("v1/embeddings", body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text);
    }
}
