using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Forwarding.Internal;
using Switchyard.Gateway.Providers.Anthropic;

namespace Switchyard.Gateway.Tests.Providers.Anthropic;

public class AnthropicStreamTranslatorTests
{
    private const string Stream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"usage":{"input_tokens":10,"cache_read_input_tokens":100,"cache_creation_input_tokens":20,"output_tokens":1}}}

        event: ping
        data: {"type":"ping"}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hé \"quoted\"\n"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_a","name":"f","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"x\":"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"1}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: content_block_start
        data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_b","name":"g","input":{}}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":2}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":42}}

        event: message_stop
        data: {"type":"message_stop"}


        """;

    /// <summary>The stream read through <see cref="AnthropicSseStream"/> in reads of <paramref name="readSize"/> bytes.</summary>
    private static async Task<List<string>> TranslateAsync(string anthropic, int readSize, string? jsonTool = null)
    {
        var upstream = new ChunkedStream(Encoding.UTF8.GetBytes(anthropic.Replace("\r\n", "\n", StringComparison.Ordinal)), readSize);
        await using var translated = new AnthropicSseStream(upstream, new AnthropicStreamTranslator(new AnthropicCall(true, jsonTool), 1700000000));
        using var reader = new StreamReader(translated);
        var events = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(line[6..]);
            }
        }

        return events;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Translate_WholeStream_BecomesOpenAIChunksWhateverTheReadSize(int readSize)
    {
        var events = await TranslateAsync(Stream, readSize);

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("msg_1", c.GetProperty("id").GetString()));
        Assert.All(chunks, c => Assert.Equal("claude-x", c.GetProperty("model").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("Hé \"quoted\"\n", chunks[1].GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());

        var calls = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0]).ToList();
        Assert.Equal([0, 0, 0, 1, 1], calls.Select(c => c.GetProperty("index").GetInt32()).ToArray());
        Assert.Equal("toolu_a", calls[0].GetProperty("id").GetString());
        Assert.Equal("{\"x\":1}", string.Concat(calls.Where(c => c.GetProperty("index").GetInt32() == 0).Select(c => c.GetProperty("function").GetProperty("arguments").GetString())));
        // A tool that streamed no input still gets arguments an OpenAI client can parse.
        Assert.Equal("{}", string.Concat(calls.Where(c => c.GetProperty("index").GetInt32() == 1).Select(c => c.GetProperty("function").GetProperty("arguments").GetString())));

        Assert.Equal("tool_calls", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
    }

    [Fact]
    public async Task Translate_CacheTokens_AreInTheUsageTheGatewayCostsWith()
    {
        var events = await TranslateAsync(Stream, 4096);

        var usageChunk = Encoding.UTF8.GetBytes(events[^2]);
        var chunk = ChunkInspector.Inspect(usageChunk);
        Assert.True(chunk.IsUsageOnly);
        // Anthropic's input excludes cache reads and writes; OpenAI's prompt_tokens includes them.
        Assert.Equal(130, chunk.Usage!.Value.PromptTokens);
        Assert.Equal(100, chunk.Usage.Value.CachedTokens);
        Assert.Equal(42, chunk.Usage.Value.CompletionTokens);
        using var json = JsonDocument.Parse(usageChunk);
        Assert.Equal(20, json.RootElement.GetProperty("usage").GetProperty("cache_creation_input_tokens").GetInt32());
    }

    [Fact]
    public async Task Translate_ErrorBeforeTheFirstBlock_SendsNoChunkBeforeTheError()
    {
        var events = await TranslateAsync("""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":3}}}

            event: error
            data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}


            """, 5);

        var only = Assert.Single(events);
        var inspected = ChunkInspector.Inspect(Encoding.UTF8.GetBytes(only));
        Assert.True(inspected.IsError);
        Assert.Equal("overloaded_error", JsonDocument.Parse(only).RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Translate_JsonTool_StreamsItsInputAsContentAndFinishesWithStop()
    {
        var events = await TranslateAsync("""
            data: {"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":3}}}

            data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"json_response","input":{}}}

            data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}}

            data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"true}"}}

            data: {"type":"content_block_stop","index":0}

            data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":5}}

            data: {"type":"message_stop"}


            """, 64, AnthropicRequestWriter.JsonToolName);

        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        var content = string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out _))
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal("{\"a\":true}", content);
        Assert.DoesNotContain(events, e => e.Contains("tool_calls", StringComparison.Ordinal));
        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Translate_MalformedEvent_IsABrokenStream()
    {
        await Assert.ThrowsAsync<IOException>(() => TranslateAsync("data: {\"type\":\"message_start\"\n\n", 64));
    }

    [Fact]
    public void Translate_TextAndArgumentDeltas_AllocateNothingOnceWarm()
    {
        // PERF: a streamed delta costs a copy into a pooled buffer, not an allocation (the style's hot-path rule 4).
        var translator = new AnthropicStreamTranslator(new AnthropicCall(true, null), 1700000000);
        using var output = new Switchyard.Gateway.Internal.PooledBufferWriter(1 << 16);
        translator.Translate("""{"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":3}}}"""u8, output);
        translator.Translate("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""u8, output);
        var text = """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"some words \\n here"}}"""u8.ToArray();
        translator.Translate(text, output);
        output.Clear();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            translator.Translate(text, output);
            output.Clear();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void OpenAIStreamTranslator_ContentDeltas_AllocateNothingOnceWarm()
    {
        var translator = new Switchyard.Gateway.Api.Anthropic.OpenAIStreamTranslator();
        using var output = new Switchyard.Gateway.Internal.PooledBufferWriter(1 << 16);
        var chunk = """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"some words"},"logprobs":null,"finish_reason":null}]}"""u8.ToArray();
        translator.Translate(chunk, output);
        output.Clear();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            translator.Translate(chunk, output);
            output.Clear();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>A stream that hands out its bytes <c>size</c> at a time, as a slow network would.</summary>
    private sealed class ChunkedStream(byte[] bytes, int size) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => base.ReadAsync(buffer[..Math.Min(size, buffer.Length)], cancellationToken);
    }
}
