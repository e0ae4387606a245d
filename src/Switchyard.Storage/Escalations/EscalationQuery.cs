namespace Switchyard.Storage.Escalations;

/// <summary>A filter over escalation records; newest first.</summary>
public sealed record EscalationQuery
{
    /// <summary>Most records to return.</summary>
    public int Limit { get; init; } = 50;

    public string? Route { get; init; }

    /// <summary>Only records at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only records before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary><c>good</c>, <c>bad</c>, <c>unreviewed</c>, or <see langword="null"/> for all.</summary>
    public string? Review { get; init; }

    /// <summary>Only records whose final answer scored at least this.</summary>
    public double? MinScore { get; init; }

    /// <summary>Only records whose poor answer the judge scored at least this (0 to 1); unjudged records are left out.</summary>
    public double? MinJudgeScore { get; init; }

    /// <summary>Only records whose poor answer the judge scored at most this (0 to 1); unjudged records are left out.</summary>
    public double? MaxJudgeScore { get; init; }
}
