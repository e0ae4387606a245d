namespace Switchyard.Storage.RequestLog;

/// <summary>
/// Sums over the request log, added up by the database: costs by dimension (<c>switchyard costs</c>, budgets picking up
/// where the last run left them) and the tokens each deployment served per minute (measured prices).
/// </summary>
/// <remarks>Implemented by both request log stores, <c>SqliteRequestLogStore</c> and <c>PostgresRequestLogStore</c>, with the same SQL.</remarks>
public interface IRequestLogReports
{
    /// <summary>
    /// The request log's costs between <paramref name="since"/> (inclusive) and <paramref name="until"/> (exclusive), summed
    /// per group of <paramref name="by"/> (no dimension: one row for everything), ordered by the groups' keys. Each
    /// request's extra calls (<c>request_cost_parts</c>) count under their own deployment and tier, and under the request's
    /// route, team, key and day.
    /// </summary>
    IReadOnlyList<CostSummaryRow> SummarizeCosts(IReadOnlyList<CostDimension> by, DateTimeOffset? since, DateTimeOffset? until, string? route = null, string? team = null, string? key = null);

    /// <summary>
    /// The tokens (input and output) each deployment served per minute between <paramref name="since"/> and
    /// <paramref name="until"/>: the answers of requests answered and every call of their cost parts, the same tokens
    /// <see cref="SummarizeCosts"/> counts. Minutes are unix minutes of the requests' arrival.
    /// </summary>
    IReadOnlyList<(string Deployment, long Minute, long Tokens)> TokensServedByMinute(DateTimeOffset since, DateTimeOffset until);
}
