namespace Switchyard.Storage.RequestLog;

/// <summary>What the request log can group costs by.</summary>
public enum CostDimension
{
    /// <summary>The route (the model name clients asked for).</summary>
    Route,

    /// <summary>The tier that spent the money (the answer's, an escalated answer's, a check's).</summary>
    Tier,

    /// <summary>The deployment that spent the money.</summary>
    Deployment,

    /// <summary>The UTC day.</summary>
    Day,

    /// <summary>The team of the request's key.</summary>
    Team,

    /// <summary>The request's key (its public id).</summary>
    Key,
}

/// <summary>The words that name <see cref="CostDimension"/>s (<c>costs --by</c>, <c>/admin/costs?by=</c>).</summary>
public static class CostDimensions
{
    private static readonly (string Word, CostDimension Dimension)[] Words =
        [("route", CostDimension.Route), ("tier", CostDimension.Tier), ("deployment", CostDimension.Deployment), ("day", CostDimension.Day), ("team", CostDimension.Team), ("key", CostDimension.Key)];

    /// <summary>The word for <paramref name="dimension"/> (a column's name in reports).</summary>
    public static string Word(CostDimension dimension) => Array.Find(Words, w => w.Dimension == dimension).Word;

    /// <summary>
    /// The dimensions a comma-separated list names (<c>team,day</c>; <c>none</c>: no grouping), or what is wrong with it,
    /// in words for the option or parameter <paramref name="name"/>.
    /// </summary>
    public static (CostDimension[] Dimensions, string? Error) Parse(string? text, string name = "--by")
    {
        var words = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words is ["none"])
        {
            return ([], null);
        }

        var dimensions = new List<CostDimension>();
        foreach (var word in words)
        {
            var match = Array.FindIndex(Words, d => d.Word.Equals(word, StringComparison.OrdinalIgnoreCase));
            if (match < 0)
            {
                return ([], $"{name} '{word}' is not a dimension: use route, tier, deployment, day, team or key (comma-separated), or none.");
            }

            if (dimensions.Contains(Words[match].Dimension))
            {
                return ([], $"{name} names '{word}' twice.");
            }

            dimensions.Add(Words[match].Dimension);
        }

        return ([.. dimensions], null);
    }
}

/// <summary>
/// One group of the request log's costs, in US dollars. Grouped by deployment or tier, each dollar is under the
/// deployment (and tier) that spent it: an escalated cheap answer under the cheap deployment, a judge's call under the
/// judge, the answer under the deployment that wrote it. Requests are counted where they were answered.
/// </summary>
public sealed record CostSummaryRow
{
    /// <summary>The group's value per dimension asked for, in the order asked (<c>-</c> when the column is empty).</summary>
    public required IReadOnlyList<string> Keys { get; init; }

    /// <summary>Requests in the group (failed ones included), counted under the deployment and tier that answered.</summary>
    public long Requests { get; init; }

    /// <summary>Requests answered whose deployment has no price (their cost is unknown, not zero).</summary>
    public long Uncosted { get; init; }

    /// <summary>Requests some of whose cost rests on an estimate of tokens (the upstream reported no usage, or a call failed mid-way).</summary>
    public long Estimated { get; init; }

    /// <summary>Input tokens of everything the group paid for: the answers, and the calls of <see cref="ExtraCost"/>.</summary>
    public long InputTokens { get; init; }

    /// <summary>Output tokens of everything the group paid for.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Input tokens read from a provider's prompt cache (part of <see cref="InputTokens"/>).</summary>
    public long CachedTokens { get; init; }

    /// <summary>Output tokens spent reasoning (part of <see cref="OutputTokens"/>).</summary>
    public long ReasoningTokens { get; init; }

    /// <summary>What the answers cost.</summary>
    public double Cost { get; init; }

    /// <summary>Answers the quality gate held and did not send.</summary>
    public double EscalatedCost { get; init; }

    /// <summary>Judge and agreement calls.</summary>
    public double ChecksCost { get; init; }

    /// <summary>Attempts that failed after tokens flowed.</summary>
    public double FailedCost { get; init; }

    /// <summary>
    /// Extra cost of requests logged before it was split by kind (schema version 16): in <see cref="ExtraCost"/> and under
    /// the deployment that answered, in none of the three kinds.
    /// </summary>
    public double UnsplitExtraCost { get; init; }

    /// <summary>What else was spent: <see cref="EscalatedCost"/> + <see cref="ChecksCost"/> + <see cref="FailedCost"/> (+ <see cref="UnsplitExtraCost"/>).</summary>
    public double ExtraCost => EscalatedCost + ChecksCost + FailedCost + UnsplitExtraCost;

    /// <summary>What the same answers would have cost from their routes' baselines.</summary>
    public double BaselineCost { get; init; }

    /// <summary>Everything spent: <see cref="Cost"/> and <see cref="ExtraCost"/>.</summary>
    public double Spent => Cost + ExtraCost;

    /// <summary>What the tiers saved against the baseline (negative when they cost more).</summary>
    public double Saved => BaselineCost - Spent;
}
