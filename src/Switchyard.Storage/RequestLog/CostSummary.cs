namespace Switchyard.Storage.RequestLog;

/// <summary>What the request log can group costs by.</summary>
public enum CostDimension
{
    /// <summary>The route (the model name clients asked for).</summary>
    Route,

    /// <summary>The tier that answered.</summary>
    Tier,

    /// <summary>The deployment that answered.</summary>
    Deployment,

    /// <summary>The UTC day.</summary>
    Day,

    /// <summary>The team of the request's key.</summary>
    Team,

    /// <summary>The request's key (its public id).</summary>
    Key,
}

/// <summary>One group of the request log's costs, in US dollars.</summary>
public sealed record CostSummaryRow
{
    /// <summary>The group's value per dimension asked for, in the order asked (<c>-</c> when the column is empty).</summary>
    public required IReadOnlyList<string> Keys { get; init; }

    /// <summary>Requests in the group (failed ones included).</summary>
    public long Requests { get; init; }

    /// <summary>Requests answered whose deployment has no price (their cost is unknown, not zero).</summary>
    public long Uncosted { get; init; }

    /// <summary>Input tokens of the answers.</summary>
    public long InputTokens { get; init; }

    /// <summary>Output tokens of the answers.</summary>
    public long OutputTokens { get; init; }

    /// <summary>What the answers cost.</summary>
    public double Cost { get; init; }

    /// <summary>What else was spent: answers the quality gate turned down, judge and agreement calls.</summary>
    public double ExtraCost { get; init; }

    /// <summary>What the same answers would have cost from their routes' last tiers.</summary>
    public double BaselineCost { get; init; }

    /// <summary>Everything spent: <see cref="Cost"/> and <see cref="ExtraCost"/>.</summary>
    public double Spent => Cost + ExtraCost;

    /// <summary>What the tiers saved against the baseline (negative when they cost more).</summary>
    public double Saved => BaselineCost - Spent;
}
