namespace Switchyard.Gateway.Configuration;

/// <summary>
/// Shadow traffic on a route (<c>routes.NAME.shadow:</c>): a share of its live requests, picked by a hash of the seed and
/// the request id, is also sent to a candidate deployment in the background after the client has its answer; both answers
/// are checked and compared, and the comparison stored for <c>switchyard shadow report</c>.
/// </summary>
public sealed record ShadowConfig
{
    /// <summary>The candidate deployment (<c>deployment</c>, required).</summary>
    public required string Deployment { get; init; }

    /// <summary>The share of the route's requests shadowed (<c>share</c>), in (0, 1].</summary>
    public double Share { get; init; } = 0.1;

    /// <summary>Seeds the sampling (<c>seed</c>): the same seed and request id always make the same choice.</summary>
    public long Seed { get; init; }

    /// <summary>What the shadow may spend (<c>budget: { usd: 5, per: day }</c>); <see langword="null"/>: unbounded.</summary>
    public ShadowBudgetConfig? Budget { get; init; }

    /// <summary>How the answers are compared (<c>compare</c>): the quality checks and agreement by default.</summary>
    public ShadowCompare Compare { get; init; } = ShadowCompare.Quality | ShadowCompare.Agreement;

    /// <summary>The judge (<c>judge</c>), for <see cref="ShadowCompare.Judge"/>; <see langword="null"/>: the route's quality gate's judge.</summary>
    public JudgeConfig? Judge { get; init; }

    /// <summary>Comparisons running at once (<c>max_concurrency</c>).</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>
    /// Comparisons waiting for one of <see cref="MaxConcurrency"/> (<c>queue</c>). When it is full a new one is dropped and
    /// counted: the shadow sheds load, the client never waits for it.
    /// </summary>
    public int Queue { get; init; } = 64;

    /// <summary>How long the candidate's call (and each judge call) may take (<c>timeout</c>).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Keep the prompt and both answers with each comparison (<c>record_text</c>), for review and datasets.</summary>
    public bool RecordText { get; init; } = true;
}

/// <summary>What a route's shadow may spend, in US dollars, per UTC day or month (<c>shadow.budget</c>).</summary>
public sealed record ShadowBudgetConfig(decimal Usd, BudgetPeriod Per);

/// <summary>How shadow answers are compared (<c>shadow.compare</c>).</summary>
[Flags]
public enum ShadowCompare
{
    None = 0,

    /// <summary><c>quality</c>: the route's quality gate's checks (or the default checks) on both answers.</summary>
    Quality = 1,

    /// <summary><c>judge</c>: a judge model scores both answers against the rubric.</summary>
    Judge = 2,

    /// <summary><c>agreement</c>: whether the two answers agree (the agreement check's comparison).</summary>
    Agreement = 4,
}
