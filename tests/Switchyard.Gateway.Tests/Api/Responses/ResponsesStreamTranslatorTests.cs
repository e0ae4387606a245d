using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.Gateway.Api.Responses;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Tests.Api.Responses;

/// <summary>The chat chunks a forwarder relays, turned into the Responses API's events, chunk by chunk.</summary>
public class ResponsesStreamTranslatorTests
{
    private static readonly ResponseShell Shell = new("resp_0123456789abcdef0123456789abcdef", 1_700_000_000, "\"store\":true,\"tools\":[]"u8.ToArray());

    private static string Chunk(string delta, string? finish = null)
        => $$"""{"id":"c1","object":"chat.completion.chunk","created":1,"model":"llama","choices":[{"index":0,"delta":{{delta}},"finish_reason":{{(finish is null ? "null" : $"\"{finish}\"")}}}]}""";

    private const string Usage = """{"id":"c1","object":"chat.completion.chunk","created":1,"model":"llama","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2}}}""";

    [Fact]
    public void Translate_TextThenTwoToolCalls_ItemsInOrderAndTheFinalResponseHoldsThemAll()
    {
        var events = Translate(
            Chunk("""{"role":"assistant","content":""}"""),
            Chunk("""{"content":"Let me \"check\" "}"""),
            Chunk("""{"content":"\u00e9t\u00e9."}"""),
            Chunk("""{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]}"""),
            Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}"""),
            Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}"""),
            Chunk("""{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{}"}}]}"""),
            Chunk("{}", "tool_calls"),
            Usage,
            "[DONE]");

        Assert.Equal(
            [
                "response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.done", "response.output_item.done",
                "response.completed",
            ],
            events.Select(e => e.Name));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        Assert.Equal([0, 1, 2], events.Where(e => e.Name == "response.output_item.added").Select(e => e.Data.GetProperty("output_index").GetInt32()));
        Assert.Equal("Let me \"check\" été.", events.Single(e => e.Name == "response.output_text.done").Data.GetProperty("text").GetString());
        Assert.Equal("{\"city\":\"Paris\"}", events.First(e => e.Name == "response.function_call_arguments.done").Data.GetProperty("arguments").GetString());

        var response = events[^1].Data.GetProperty("response");
        Assert.Equal("completed", response.GetProperty("status").GetString());
        Assert.Equal(Shell.Id, response.GetProperty("id").GetString());
        Assert.Equal("llama", response.GetProperty("model").GetString());
        var output = response.GetProperty("output").EnumerateArray().ToList();
        Assert.Equal(["message", "function_call", "function_call"], output.Select(o => o.GetProperty("type").GetString()));
        Assert.Equal(["call_a", "call_b"], output.Skip(1).Select(o => o.GetProperty("call_id").GetString()));
        Assert.Equal(["get_weather", "get_time"], output.Skip(1).Select(o => o.GetProperty("name").GetString()));
        Assert.Equal("{}", output[2].GetProperty("arguments").GetString());
        Assert.All(output, o => Assert.Equal("completed", o.GetProperty("status").GetString()));
        var added = events.Where(e => e.Name == "response.output_item.added").Select(e => e.Data.GetProperty("item").GetProperty("id").GetString()).ToList();
        Assert.Equal(added, output.Select(o => o.GetProperty("id").GetString()));
        Assert.Equal(3, added.Distinct().Count());

        var usage = response.GetProperty("usage");
        Assert.Equal(12, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(4, usage.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(2, usage.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(19, usage.GetProperty("total_tokens").GetInt32());
        Assert.True(response.GetProperty("store").GetBoolean());
    }

    [Fact]
    public void Translate_Refusal_IsARefusalPartOfTheMessage()
    {
        var events = Translate(Chunk("""{"role":"assistant","refusal":"I can't "}"""), Chunk("""{"refusal":"help."}"""), Chunk("{}", "stop"), "[DONE]");

        Assert.Equal(["response.refusal.delta", "response.refusal.delta", "response.refusal.done"], events.Where(e => e.Name.StartsWith("response.refusal", StringComparison.Ordinal)).Select(e => e.Name));
        var part = Assert.Single(events[^1].Data.GetProperty("response").GetProperty("output")[0].GetProperty("content").EnumerateArray());
        Assert.Equal("refusal", part.GetProperty("type").GetString());
        Assert.Equal("I can't help.", part.GetProperty("refusal").GetString());
    }

    [Fact]
    public void Translate_LengthFinish_IsResponseIncomplete()
    {
        var events = Translate(Chunk("""{"content":"Once upon"}"""), Chunk("{}", "length"), "[DONE]");

        Assert.Equal("response.incomplete", events[^1].Name);
        var response = events[^1].Data.GetProperty("response");
        Assert.Equal("incomplete", response.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", response.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("completed_at").ValueKind);
        Assert.Equal("incomplete", response.GetProperty("output")[0].GetProperty("status").GetString());
    }

    [Fact]
    public void Translate_ErrorAfterText_EndsWithResponseFailedKeepingThePartialItem()
    {
        using var translator = new ResponsesStreamTranslator(Shell, TimeProvider.System);
        var events = Translate(translator,
            Chunk("""{"content":"Half an ans"}"""),
            """{"error":{"message":"The upstream stream ended incomplete (\"cut\").","type":"upstream_error","code":"stream_interrupted"}}""",
            "[DONE]");

        Assert.Equal("response.failed", events[^1].Name);
        Assert.DoesNotContain(events, e => e.Name is "response.completed" or "response.output_text.done");
        var response = events[^1].Data.GetProperty("response");
        Assert.Equal("failed", response.GetProperty("status").GetString());
        Assert.Equal("server_error", response.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("The upstream stream ended incomplete (\"cut\").", response.GetProperty("error").GetProperty("message").GetString());
        var item = Assert.Single(response.GetProperty("output").EnumerateArray());
        Assert.Equal("incomplete", item.GetProperty("status").GetString());
        Assert.Equal("Half an ans", item.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(ResponsesStreamTranslator.Outcome.Failed, translator.State);
    }

    [Fact]
    public void Translate_NotAChunk_Throws()
    {
        using var translator = new ResponsesStreamTranslator(Shell, TimeProvider.System);
        using var output = new PooledBufferWriter();

        Assert.ThrowsAny<JsonException>(() => translator.Translate("[1,2]"u8, output));
    }

    [Fact]
    public async Task ResponseBody_AnyWriteSize_SameEventsAsWhole_AndSavesBeforeTheLastEventLeaves()
    {
        var chunks = new[] { Chunk("""{"role":"assistant","content":""}"""), Chunk("""{"content":"Hello, "}"""), Chunk("""{"content":"world."}"""), Chunk("{}", "stop"), Usage };
        var sse = Encoding.UTF8.GetBytes(string.Concat(chunks.Select(c => $"data: {c}\n\n")) + ": x-switchyard-cost: 0.0001\n\ndata: [DONE]\n\n");
        string? whole = null;
        foreach (var size in (int[])[sse.Length, 1, 7, 64])
        {
            var (text, saved) = await WriteThroughBodyAsync(sse, size);
            // Ids are new per response body: compare with them masked.
            var masked = System.Text.RegularExpressions.Regex.Replace(text, "(msg|fc)_[0-9a-f]{32}", "$1_ID");
            whole ??= masked;
            Assert.Equal(whole, masked);
            Assert.NotNull(saved);
            Assert.Equal(ReadEvents(text)[^1].Data.GetProperty("response").GetRawText(), saved);
        }
    }

    [Fact]
    public void Translate_TextAndArgumentDeltas_AllocateNothingOnceWarm()
    {
        // PERF: a streamed delta costs copies into pooled buffers (the event, and the text kept for the done events and
        // the final response), not an allocation. The kept text grows by doubling on the array pool: a first stream as
        // long as the measured one warms the pool's buckets, as earlier requests do on a running gateway.
        var text = Encoding.UTF8.GetBytes(Chunk("""{"content":"some words \n here"}"""));
        var argument = Encoding.UTF8.GetBytes(Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\": 1, "}}]}"""));
        var start = Encoding.UTF8.GetBytes(Chunk("""{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}"""));
        using var output = new PooledBufferWriter(1 << 16);
        long MeasureDeltas()
        {
            using var translator = new ResponsesStreamTranslator(Shell, TimeProvider.System);
            translator.Translate(text, output);
            output.Clear();
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                translator.Translate(text, output);
                output.Clear();
            }

            var textBytes = GC.GetAllocatedBytesForCurrentThread() - before;
            translator.Translate(start, output);
            output.Clear();
            before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                translator.Translate(argument, output);
                output.Clear();
            }

            return textBytes + (GC.GetAllocatedBytesForCurrentThread() - before);
        }

        MeasureDeltas();
        Assert.Equal(0, MeasureDeltas());
    }

    private static List<(string Name, JsonElement Data)> Translate(params string[] data)
    {
        using var translator = new ResponsesStreamTranslator(Shell, TimeProvider.System);
        return Translate(translator, data);
    }

    private static List<(string Name, JsonElement Data)> Translate(ResponsesStreamTranslator translator, params string[] data)
    {
        using var output = new PooledBufferWriter();
        foreach (var item in data)
        {
            translator.Translate(Encoding.UTF8.GetBytes(item), output);
        }

        return ReadEvents(Encoding.UTF8.GetString(output.WrittenSpan));
    }

    private static List<(string Name, JsonElement Data)> ReadEvents(string text)
    {
        var events = new List<(string, JsonElement)>();
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            var data = JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.Clone();
            Assert.Equal(lines[0]["event: ".Length..], data.GetProperty("type").GetString());
            events.Add((lines[0]["event: ".Length..], data));
        }

        return events;
    }

    /// <summary>Writes an SSE body through a <see cref="ResponsesResponseBody"/> in pieces of <paramref name="size"/> bytes, as the forwarder would.</summary>
    private static async Task<(string Text, string? Saved)> WriteThroughBodyAsync(byte[] sse, int size)
    {
        var context = new DefaultHttpContext();
        context.Response.ContentType = "text/event-stream";
        using var sink = new MemoryStream();
        var inner = new StreamResponseBodyFeature(sink);
        string? saved = null;
        var textAtSave = -1L;
        // A clock that stands still: completed_at is the same in every run.
        using (var body = new ResponsesResponseBody(context, inner, Shell, new Support.ManualClock(DateTimeOffset.UnixEpoch.AddSeconds(1_700_000_060)), json =>
        {
            saved = Encoding.UTF8.GetString(json);
            textAtSave = sink.Length;
            return Task.CompletedTask;
        }))
        {
            PipeWriter writer = body.Writer;
            for (var at = 0; at < sse.Length; at += size)
            {
                writer.Write(sse.AsSpan(at, Math.Min(size, sse.Length - at)));
                await writer.FlushAsync();
            }

            await body.FinishAsync();
        }

        await inner.CompleteAsync();
        var text = Encoding.UTF8.GetString(sink.ToArray());
        // Saved before the batch holding response.completed was written.
        Assert.True(textAtSave >= 0 && textAtSave <= text.IndexOf("event: response.completed", StringComparison.Ordinal), $"saved at {textAtSave}");
        return (text, saved);
    }
}
