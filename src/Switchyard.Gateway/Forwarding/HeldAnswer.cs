using Switchyard.Gateway.Quality;

namespace Switchyard.Gateway.Forwarding;

/// <summary>
/// An answer the quality gate held back: its bytes as the client would get them (a JSON body, or a whole SSE stream for
/// <c>streaming: buffer</c>; less the logprobs the gateway asked for, see <see cref="ClientBody"/>), its usage and its
/// verdict, until the request decides which answer the client gets.
/// </summary>
internal sealed class HeldAnswer(byte[] body, bool stream, Usage? usage, QualityVerdict verdict, string deployment, string tier, Economics.DeploymentPrice? price = null)
{
    /// <summary>The answer's bytes as held (owned: not pooled); the client gets <see cref="ClientBody"/>.</summary>
    public byte[] Body { get; } = body;

    /// <summary>Whether <see cref="Body"/> is an event stream.</summary>
    public bool Stream { get; } = stream;

    public Usage? Usage { get; } = usage;

    /// <summary>The deployment's price when the answer was asked for: what <see cref="Usage"/> cost.</summary>
    public Economics.DeploymentPrice? Price { get; } = price;

    /// <summary>What the answer cost in dollars, or <see langword="null"/> when its deployment has no price or it no usage.</summary>
    public double? Cost => Usage is { } used ? Price?.Cost(used) : null;

    /// <summary>How long its call took, in milliseconds (set when the attempt is recorded).</summary>
    public double Milliseconds { get; set; }

    /// <summary>The agreement check's similarity of a second sample to it (0 to 1), when it was compared.</summary>
    public double? AgreementScore { get; set; }

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
        ReadInto(answer);
        return answer.Text.ToString();
    }

    /// <summary>Reads the answer (text, finish reason, tool calls, logprobs) into <paramref name="answer"/>, again from its bytes.</summary>
    public void ReadInto(AnswerCollector answer)
    {
        if (!Stream)
        {
            AnswerReader.ReadCompletion(Body, answer);
            return;
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
    }

    /// <summary>
    /// The values the checks measured on it, for the escalation record: <c>logprob_mean</c> and <c>logprob_min</c> when
    /// the gate read logprobs, <c>judge</c> and <c>agreement</c> when those checks ran; <see langword="null"/> when none.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Signals()
    {
        Dictionary<string, double>? signals = null;
        void Add(string name, double? value)
        {
            if (value is { } known)
            {
                (signals ??= new Dictionary<string, double>(StringComparer.Ordinal))[name] = Math.Round(known, 4);
            }
        }

        Add("logprob_mean", Verdict.LogprobMean);
        Add("logprob_min", Verdict.LogprobMin);
        Add("judge", JudgeScore);
        Add("agreement", AgreementScore);
        return signals;
    }

    /// <summary>Of two held answers, the one the client should get: the higher score; a tie goes to the later (higher tier).</summary>
    public static HeldAnswer Better(HeldAnswer? earlier, HeldAnswer later)
        => earlier is null || later.Verdict.Score >= earlier.Verdict.Score ? later : earlier;
}
