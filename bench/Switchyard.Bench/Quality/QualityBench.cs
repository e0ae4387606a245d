using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Quality;

namespace Switchyard.Bench.Quality;

/// <summary>
/// <c>quality</c> mode: what the quality gate costs per answer, every check but the judge. For answers of about 1,000
/// tokens (prose, a refusal, a JSON object, JSON against a schema that it matches or fails at its end, JSON with every
/// cheap check on at once, with and without a logprob per token, prose with logprobs), times reading the
/// answer and scoring it (<see cref="GatedRequest.Evaluate(ReadOnlySpan{byte}, Usage?)"/>) and, interleaved in the same run, a
/// plain <see cref="Utf8JsonReader"/> pass over the same bytes, the least any look at the answer costs. Prints medians,
/// p99s, their ratios, bytes allocated per answer, and what 1,000 tokens of logprobs add.
/// </summary>
internal static class QualityBench
{
    private const int WarmupRounds = 2000;

    private const string EveryCheck = "every cheap check, JSON";

    public static int Run(int rounds, TextWriter output)
    {
        var gate = new QualityGate(new QualityConfig
        {
            Expect = new QualityExpectations { Pattern = @"\b(conclusion|summary)\b", NotContains = ["as an ai"], MaxChars = 20_000 },
            Logprobs = new LogprobCheckConfig(),
        });
        // The default checks alone: no expectations, so no pattern to run over the answer.
        var plain = new QualityGate(new QualityConfig { Logprobs = new LogprobCheckConfig() });
        var prose = Prose(1000);
        var schemaBody = """
            {"model":"m","messages":[],"response_format":{"type":"json_schema","json_schema":{"name":"items","strict":true,"schema":
            {"type":"object","properties":{"items":{"type":"array","items":{"$ref":"#/$defs/item"}}},"required":["items"],"additionalProperties":false,
             "$defs":{"item":{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string"},"price":{"type":"number","minimum":0},
             "tags":{"type":"array","items":{"type":"string","enum":["new","sale","eco"]}}},"required":["id","name","price","tags"],"additionalProperties":false}}}}}}
            """u8.ToArray();
        var json = JsonItems(28);
        // The last item breaks the schema (a negative price): the quick match fails at the end, then the JSON read and the
        // walk that finds the error's path run over the whole answer again.
        var badJson = JsonItems(28, lastPrice: -1);
        var jsonObject = AnswerFormat.Read("""{"model":"m","messages":[],"response_format":{"type":"json_object"}}"""u8);
        var schema = AnswerFormat.Read(schemaBody);
        // Every cheap check at once: refusal and truncation (always on), JSON and the schema, a pattern, must-contain,
        // must-not-contain and a length limit, and the logprobs' mean and minimum when the answer carries them.
        var every = new QualityGate(new QualityConfig
        {
            // The pattern matches only the last item, so it runs over the whole answer, as one that fails would.
            Expect = new QualityExpectations { Pattern = @"\bitem number 27\b", Contains = ["item number 0"], NotContains = ["as an ai"], MaxChars = 20_000 },
            Logprobs = new LogprobCheckConfig(),
        });
        var cases = new (string Title, byte[] Answer, AnswerFormat Format, QualityGate Gate)[]
        {
            ("prose, 1,000 tokens", Completion(prose, null), default, gate),
            ("prose, default checks only", Completion(prose, null), default, plain),
            ("refusal + prose", Completion("I'm sorry, but I can't help with that. " + prose, null), default, gate),
            ("json_object", Completion(json, null), jsonObject, plain),
            ("json_schema", Completion(json, null), schema, plain),
            ("json_schema, last item invalid", Completion(badJson, null), schema, plain),
            (EveryCheck, Completion(json, null), schema, every),
            (EveryCheck + " + 1,000 logprobs", Completion(json, 1000), schema, every),
            ("prose + 1,000 logprobs", Completion(prose, 1000), default, gate),
            // What a client that asked for top_logprobs: 20 gets back (OpenAI's maximum): 20 alternatives per token.
            ("prose + 1,000 logprobs, 20 top each", Completion(prose, 1000, top: 20), default, gate),
        };

        output.WriteLine($"Quality gate per answer: read the answer (AnswerReader) and score it (QualityGate: empty, truncated, refusal, JSON,");
        output.WriteLine($"JSON Schema, expectations with a pattern, logprobs), against a plain Utf8JsonReader pass over the same bytes, interleaved,");
        output.WriteLine($"{rounds} rounds, Release={BuildInfo.IsRelease}, {Environment.ProcessorCount} cores. Target: under 50 µs at the median for a");
        output.WriteLine("1,000-token answer; an answer that carries logprobs is some 20 times larger, so its cost is given per 1,000 tokens of them.");
        output.WriteLine();
        output.WriteLine("| answer | bytes | baseline p50 | baseline p99 | gate p50 | gate p99 | ratio p50 | ratio p99 | bytes/answer | target |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        var medians = new Dictionary<string, (double Gate, double Baseline)>(StringComparer.Ordinal);
        var met = true;
        foreach (var (title, answer, format, caseGate) in cases)
        {
            var gated = new GatedRequest(caseGate, format);
            var verdict = gated.Evaluate(answer, usage: null);
            var logprobs = title.Contains("logprobs", StringComparison.Ordinal);
            var median = Measure($"{title} ({(verdict.Passed ? "passes" : "fails: " + verdict.FailedNames)})", answer, gated, rounds, !logprobs, output);
            medians[title] = median;
            met &= logprobs || median.Gate < 50;
        }

        // What 1,000 tokens of logprobs add to every other check: the same answer and gate with them and without.
        var (with, withBaseline) = medians[EveryCheck + " + 1,000 logprobs"];
        var (without, withoutBaseline) = medians[EveryCheck];
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"1,000 tokens of logprobs (about 77 KB of JSON) add {with - without:0.0} µs to every other check ({without:0.0} µs without them, {with:0.0} µs with), where a bare Utf8JsonReader pass over the same bytes grows by {withBaseline - withoutBaseline:0.0} µs: the gate reads them at {(with - without) / (withBaseline - withoutBaseline):0.00}x that pass's cost."));
        return met ? 0 : 1;
    }

    /// <returns>The medians of the gate and of the baseline, in microseconds.</returns>
    private static (double Gate, double Baseline) Measure(string title, byte[] answer, GatedRequest gated, int rounds, bool targeted, TextWriter output)
    {
        var gate = new long[rounds];
        var baseline = new long[rounds];
        var sink = 0.0;
        for (var i = 0; i < WarmupRounds; i++)
        {
            sink += gated.Evaluate(answer, usage: null).Score + Baseline(answer);
        }

        var allocated = 0L;
        for (var i = 0; i < rounds; i++)
        {
            var start = Stopwatch.GetTimestamp();
            sink += Baseline(answer);
            var middle = Stopwatch.GetTimestamp();
            var before = GC.GetAllocatedBytesForCurrentThread();
            sink += gated.Evaluate(answer, usage: null).Score;
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            var end = Stopwatch.GetTimestamp();
            baseline[i] = middle - start;
            gate[i] = end - middle;
        }

        Array.Sort(gate);
        Array.Sort(baseline);
        double Micro(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        var (b50, b99, g50, g99) = (Micro(baseline[rounds / 2]), Micro(baseline[(int)(rounds * 0.99)]), Micro(gate[rounds / 2]), Micro(gate[(int)(rounds * 0.99)]));
        var target = !targeted ? "per 1,000 logprobs, below" : g50 < 50 ? "met" : "NOT MET";
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {title} | {answer.Length:N0} | {b50:0.00} µs | {b99:0.00} µs | {g50:0.00} µs | {g99:0.00} µs | {g50 / b50:0.0}x | {g99 / b99:0.0}x | {(double)allocated / rounds:0} | {target} |"));
        GC.KeepAlive(sink);
        return (g50, b50);
    }

    private static int Baseline(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    /// <summary>About <paramref name="tokens"/> tokens of prose (4 characters a token), with a conclusion.</summary>
    private static string Prose(int tokens)
    {
        string[] words = ["the", "model", "answers", "with", "a", "clear", "and", "useful", "explanation", "of", "how", "routing", "works", "in", "practice"];
        var text = new StringBuilder();
        for (var i = 0; text.Length < tokens * 4; i++)
        {
            text.Append(words[i % words.Length]).Append(i % 17 == 16 ? ".\n" : " ");
        }

        return text.Append("In conclusion, it works.").ToString();
    }

    /// <summary>A JSON object of <paramref name="count"/> items (about 4 KB, 1,000 tokens, for 28).</summary>
    private static string JsonItems(int count, double? lastPrice = null)
    {
        var items = Enumerable.Range(0, count).Select(i => new { id = i, name = "item number " + i, price = i == count - 1 && lastPrice is { } last ? last : i * 1.25, tags = new[] { "new", "eco" } });
        return JsonSerializer.Serialize(new { items });
    }

    private static byte[] Completion(string content, int? logprobs, int top = 0)
    {
        var text = new StringBuilder();
        text.Append("""{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":""")
            .Append(JsonSerializer.Serialize(content)).Append("},");
        if (logprobs is { } count)
        {
            text.Append("\"logprobs\":{\"content\":[");
            for (var i = 0; i < count; i++)
            {
                text.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"token\":\" tok\",\"logprob\":{-0.05 - (i % 7 * 0.03):0.000},\"bytes\":[32,116,111,107],\"top_logprobs\":[");
                for (var k = 0; k < top; k++)
                {
                    text.Append(k == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"token\":\" alt{k}\",\"logprob\":{-1.5 - (k * 0.25):0.000},\"bytes\":[32,97,108,116]}}");
                }

                text.Append("]}");
            }

            text.Append("]},");
        }

        text.Append("\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":1000,\"total_tokens\":1020}}");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
