using Switchyard.Gateway.Quality;

namespace Switchyard.Gateway.Forwarding;

/// <summary>
/// An answer the quality gate held back: its bytes as the client would get them (a JSON body, or a whole SSE stream for
/// <c>streaming: buffer</c>), its usage and its verdict, until the request decides which answer the client gets.
/// </summary>
internal sealed class HeldAnswer(byte[] body, bool stream, Usage? usage, QualityVerdict verdict, string deployment, string tier)
{
    /// <summary>The bytes to send (owned: not pooled).</summary>
    public byte[] Body { get; } = body;

    /// <summary>Whether <see cref="Body"/> is an event stream.</summary>
    public bool Stream { get; } = stream;

    public Usage? Usage { get; } = usage;

    public QualityVerdict Verdict { get; } = verdict;

    public string Deployment { get; } = deployment;

    /// <summary>The tier it came from (set when the attempt is recorded).</summary>
    public string Tier { get; set; } = tier;

    /// <summary>Of two held answers, the one the client should get: the higher score; a tie goes to the later (higher tier).</summary>
    public static HeldAnswer Better(HeldAnswer? earlier, HeldAnswer later)
        => earlier is null || later.Verdict.Score >= earlier.Verdict.Score ? later : earlier;
}
