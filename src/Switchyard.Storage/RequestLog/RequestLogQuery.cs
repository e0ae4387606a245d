namespace Switchyard.Storage.RequestLog;

/// <summary>A filter over the request log; newest first.</summary>
public sealed record RequestLogQuery
{
    /// <summary>Most rows to return.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>Only this route.</summary>
    public string? Route { get; init; }

    /// <summary>Only this deployment.</summary>
    public string? Deployment { get; init; }

    /// <summary>Only requests at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only failed requests (status 400 and above).</summary>
    public bool ErrorsOnly { get; init; }

    /// <summary>Only this status code.</summary>
    public int? Status { get; init; }

    /// <summary>Only requests that escalated past a poor answer (the quality gate).</summary>
    public bool EscalatedOnly { get; init; }
}
