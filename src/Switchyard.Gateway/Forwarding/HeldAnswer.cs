using Switchyard.Gateway.Quality;

namespace Switchyard.Gateway.Forwarding;

/// <summary>
/// An answer the quality gate held back: its bytes as the client would get them (a JSON body, or a whole SSE stream for
/// <c>streaming: buffer</c>; less the logprobs the gateway asked for, see <see cref="ClientBody"/>), its usage and its
/// verdict, until the request decides which answer the client gets.
/// </summary>
internal sealed class HeldAnswer(byte[] body, bool stream, Usage? usage, QualityVerdict verdict, string deployment, string tier)
{
    /// <summary>The answer's bytes as held (owned: not pooled); the client gets <see cref="ClientBody"/>.</summary>
    public byte[] Body { get; } = body;

    /// <summary>Whether <see cref="Body"/> is an event stream.</summary>
    public bool Stream { get; } = stream;

    public Usage? Usage { get; } = usage;

    /// <summary>The gate's verdict: the cheap checks', then with the checks that call a model added in.</summary>
    public QualityVerdict Verdict { get; set; } = verdict;

    /// <summary>The judge model's score (0 to 1), when it judged this answer.</summary>
    public double? JudgeScore { get; set; }

    /// <summary>The judge's verdict in words (<c>gpt-4o 9/10: correct and complete</c>), when it judged this answer.</summary>
    public string? JudgeSummary { get; set; }

    public string Deployment { get; } = deployment;

    /// <summary>The tier it came from (set when the attempt is recorded).</summary>
    public string Tier { get; set; } = tier;

    /// <summary>
    /// The gateway asked for the logprobs in <see cref="Body"/>, for the gate; the client did not, and never sees them
    /// (set when the attempt is recorded).
    /// </summary>
    public bool GatewayLogprobs { get; set; }

    /// <summary>The bytes the client gets: <see cref="Body"/>, with each choice's logprobs null when the gateway asked for them.</summary>
    public ReadOnlyMemory<byte> ClientBody() => GatewayLogprobs ? Internal.LogprobStripper.Strip(Body, Stream) : Body;

    /// <summary>The answer's text, read again from its bytes (only for an escalation record: the common path never needs it).</summary>
    public string Text()
    {
        using var answer = new AnswerCollector();
        if (!Stream)
        {
            AnswerReader.ReadCompletion(Body, answer);
            return answer.Text.ToString();
        }

        // A buffered stream as the client gets it: "data: {json}\n\n" events, then "data: [DONE]".
        var rest = Body.AsSpan();
        while (rest.Length > 0)
        {
            var end = rest.IndexOf("\n\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 2)..];
            if (line.StartsWith("data: "u8) && !line[6..].SequenceEqual("[DONE]"u8))
            {
                AnswerReader.ReadChunk(line[6..], answer);
            }
        }

        return answer.Text.ToString();
    }

    /// <summary>Of two held answers, the one the client should get: the higher score; a tie goes to the later (higher tier).</summary>
    public static HeldAnswer Better(HeldAnswer? earlier, HeldAnswer later)
        => earlier is null || later.Verdict.Score >= earlier.Verdict.Score ? later : earlier;
}
