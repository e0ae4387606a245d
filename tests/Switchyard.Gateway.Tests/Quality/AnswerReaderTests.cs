using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Quality;

namespace Switchyard.Gateway.Tests.Quality;

/// <summary>
/// The chat-logprob scan against what a plain parse reads: the same count, sum and least likely token on every
/// well-formed answer, and on a malformed one what the reader alone read before the scan existed.
/// </summary>
public sealed class AnswerReaderTests
{
    public static TheoryData<string> WellFormedAnswers => new()
    {
        Chat(Entries(-0.05, -0.31, -1.2, 0, -0.000001, -12.5)),
        Chat(Entries(-1e-7, -2.5E+1, -0.0, -1234567890.12345678, -0.1234567890123456789, double.MinValue, -5e-324)),
        Chat("[]"),
        Chat("""[ { } , {"logprob":-0.5} ]"""),
        Chat("""[{"token":"\"q\\\u00e9\n","logprob":-0.25,"bytes":[34,113,92,195,169,10],"top_logprobs":[{"token":"x","logprob":-3.5,"bytes":null}]}]"""),
        Chat("""[{"token":" a", "logprob" : -0.75 , "bytes" : [ ] , "top_logprobs" : [ { "token" : "b" , "logprob" : -1 , "bytes" : [ 98 ] } ] }]"""),
        Chat("""[{"logprob":null},{"logprob":"-1"},{"logprob":true},{"logprob":{"logprob":-9}},{"logprob":[-9]},{"logprob":-0.5,"logprob":-0.25}]"""),
        Chat("""[{"token":"日本","logprob":-0.125,"extra":{"a":[1,2.5e3,-0,{"b":false}],"c":"\/"}}]"""),
        Chat("\r\n[\t{\"logprob\":\n-0.5\r}\n]"),
        Chat(TopLogprobs(50, 20)),
        // The index after the logprobs, and a second choice whose logprobs are not choice 0's.
        """{"choices":[{"logprobs":{"content":[{"logprob":-0.5}],"refusal":null},"index":0,"message":{"content":"a"},"finish_reason":"stop"},{"index":1,"logprobs":{"content":[{"logprob":-7}]}}],"usage":{"completion_tokens":1}}""",
        """{"choices":[{"logprobs":{"content":[{"logprob":-7}]},"index":1},{"index":0,"logprobs":{"content":[{"logprob":-0.5},{"logprob":-1.5}]},"finish_reason":"length"}]}""",
        // An escaped name is left to the reader, which unescapes it.
        Chat("""[{"log\u0070rob":-0.5},{"logprob":-1.5}]"""),
        // Values nested past the scan's depth are left to the reader.
        Chat("[{\"logprob\":-0.5,\"deep\":" + new string('[', 40) + new string(']', 40) + "}]"),
    };

    public static TheoryData<string, int, double, string?> MalformedAnswers => new()
    {
        // A trailing comma in the second entry: the reader took both logprobs, then stopped (no finish_reason).
        { Chat("""[{"logprob":-0.5},{"logprob":-0.25,}]"""), 2, -0.75, null },
        { Chat("""[{"logprob":-0.5},{"logprob":01}]"""), 1, -0.5, null },
        { Chat("""[{"logprob":-0.5,"token":"a\x"}]"""), 1, -0.5, null },
        { Chat("[{\"logprob\":-0.5,\"token\":\"a\tb\"}]"), 1, -0.5, null },
        { Chat("""[{"logprob":-0.5},tru]"""), 1, -0.5, null },
        { Chat("""[{"logprob":-0.5},{"logprob":-1.}]"""), 1, -0.5, null },
        // Not objects: the reader's loop ends at the first one, and the rest of the answer is read from there.
        { Chat("""[{"logprob":-0.5},1,{"logprob":-0.25}]"""), 1, -0.5, null },
    };

    [Theory]
    [MemberData(nameof(WellFormedAnswers))]
    public void ReadCompletion_ChatLogprobs_MatchAPlainParse(string json)
    {
        var (count, sum, min) = Expected(json);
        using var answer = new AnswerCollector();

        AnswerReader.ReadCompletion(Encoding.UTF8.GetBytes(json), answer);

        Assert.Equal(count, answer.LogprobCount);
        Assert.Equal(sum, answer.LogprobSum);
        Assert.Equal(min, answer.LogprobMin);
    }

    [Fact]
    public void ReadCompletion_AfterScannedLogprobs_ReadsTheRestOfTheAnswer()
    {
        using var answer = new AnswerCollector();

        AnswerReader.ReadCompletion("""{"choices":[{"index":0,"logprobs":{"content":[{"logprob":-0.5}]},"message":{"content":"after","refusal":"no"},"finish_reason":"length"}]}"""u8, answer);

        Assert.Equal("after", answer.Text.ToString());
        Assert.Equal("length", answer.FinishReason);
        Assert.True(answer.Refused);
        Assert.Equal(1, answer.LogprobCount);
    }

    [Theory]
    [MemberData(nameof(MalformedAnswers))]
    public void ReadCompletion_MalformedLogprobs_ReadAsFarAsTheReaderGoes(string json, int count, double sum, string? finish)
    {
        using var answer = new AnswerCollector();

        AnswerReader.ReadCompletion(Encoding.UTF8.GetBytes(json), answer);

        Assert.Equal(count, answer.LogprobCount);
        Assert.Equal(sum, answer.LogprobSum);
        Assert.Equal(finish, answer.FinishReason);
    }

    [Fact]
    public void TryParseNumber_AnyNumber_IsWhatTheReaderReads()
    {
        var random = new Random(5);
        for (var i = 0; i < 20_000; i++)
        {
            var text = (i % 3) switch
            {
                0 => (-random.NextDouble() * Math.Pow(10, random.Next(-8, 8))).ToString(CultureInfo.InvariantCulture),
                1 => "-" + random.Next(0, 100) + "." + random.NextInt64(0, 10_000_000_000_000_000).ToString(CultureInfo.InvariantCulture).PadLeft(random.Next(1, 18), '0'),
                _ => (-random.Next(0, 99999) / 1000.0).ToString("0.000", CultureInfo.InvariantCulture),
            };
            var utf8 = Encoding.UTF8.GetBytes(text);
            var exponent = text.Contains('E', StringComparison.Ordinal);
            var reader = new Utf8JsonReader(utf8);
            reader.Read();

            Assert.True(AnswerReader.TryParseNumber(utf8, exponent, out var value), text);
            Assert.Equal(BitConverter.DoubleToInt64Bits(reader.GetDouble()), BitConverter.DoubleToInt64Bits(value));
        }
    }

    private static string Chat(string content) =>
        """{"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"text"},"logprobs":{"content":""" + content + """},"finish_reason":"stop"}]}""";

    private static string Entries(params double[] logprobs) =>
        "[" + string.Join(",", logprobs.Select(l => "{\"token\":\"t\",\"logprob\":" + l.ToString("R", CultureInfo.InvariantCulture) + ",\"bytes\":[116],\"top_logprobs\":[]}")) + "]";

    private static string TopLogprobs(int tokens, int top)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < tokens; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"token\":\" t{i}\",\"logprob\":{-0.01 * i:0.00},\"bytes\":[32,116],\"top_logprobs\":[");
            for (var k = 0; k < top; k++)
            {
                text.Append(k == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"token\":\" u{k}\",\"logprob\":{-0.5 * k:0.0},\"bytes\":[32,117]}}");
            }

            text.Append("]}");
        }

        return text.Append(']').ToString();
    }

    // What a plain parse finds: choice 0's logprobs.content[*].logprob numbers, added as AnswerCollector adds them.
    private static (int Count, double Sum, double Min) Expected(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var expected = new AnswerCollector();
        foreach (var choice in document.RootElement.GetProperty("choices").EnumerateArray())
        {
            if (choice.TryGetProperty("index", out var index) && index.GetInt32() != 0)
            {
                continue;
            }

            foreach (var entry in choice.GetProperty("logprobs").GetProperty("content").EnumerateArray())
            {
                foreach (var property in entry.EnumerateObject())
                {
                    if (property.NameEquals("logprob") && property.Value.ValueKind == JsonValueKind.Number)
                    {
                        expected.AddLogprob(property.Value.GetDouble());
                    }
                }
            }
        }

        return (expected.LogprobCount, expected.LogprobSum, expected.LogprobMin);
    }
}
