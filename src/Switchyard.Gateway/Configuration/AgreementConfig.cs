namespace Switchyard.Gateway.Configuration;

/// <summary>
/// The agreement check (<c>quality.agreement</c>): the same request is sampled once more from the same tier (another seed)
/// and the two answers are compared; answers that disagree are a sign the model is guessing (self-consistency).
/// </summary>
public sealed record AgreementConfig
{
    /// <summary>How the answers are compared (<c>compare</c>).</summary>
    public AgreementCompare Compare { get; init; } = AgreementCompare.Auto;

    /// <summary>For <see cref="AgreementCompare.Text"/>: the least word overlap (Jaccard, 0 to 1) that counts as agreeing (<c>min_similarity</c>).</summary>
    public double MinSimilarity { get; init; } = 0.5;

    /// <summary>The second sample's temperature (<c>temperature</c>); <see langword="null"/>: the client's.</summary>
    public double? Temperature { get; init; }

    /// <summary>How long the second sample may take (<c>timeout</c>); past it the answer is scored without agreement.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The share of answers sampled twice (<c>sample</c>).</summary>
    public double Sample { get; init; } = 1;

    /// <summary>The second samples' token budget (<c>budget</c>); <see langword="null"/>: unbounded.</summary>
    public TokenBudgetConfig? Budget { get; init; }

    /// <summary>What an answer whose second sample failed scores on this check (<c>on_error</c>).</summary>
    public CheckErrorPolicy OnError { get; init; } = CheckErrorPolicy.Skip;
}

/// <summary>How the agreement check compares two answers (<c>quality.agreement.compare</c>).</summary>
public enum AgreementCompare
{
    /// <summary><c>auto</c>: <c>json</c> when the request asks for JSON, <c>number</c> when both answers end on a number, else <c>text</c>.</summary>
    Auto,

    /// <summary><c>json</c>: the same JSON value (key order and spacing aside).</summary>
    Json,

    /// <summary><c>number</c>: the same last number (a final answer: "... so the answer is 42").</summary>
    Number,

    /// <summary><c>exact</c>: the same text, case and spacing aside.</summary>
    Exact,

    /// <summary><c>text</c>: word overlap at least <see cref="AgreementConfig.MinSimilarity"/>.</summary>
    Text,
}
