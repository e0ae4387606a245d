namespace Switchyard.Bench.Load;

/// <summary>What one wrk run reported.</summary>
/// <param name="Connections">The connections wrk kept open.</param>
/// <param name="Requests">Requests completed in the run.</param>
/// <param name="RequestsPerSecond">wrk's <c>Requests/sec</c>.</param>
/// <param name="P50Ms">Median latency in milliseconds.</param>
/// <param name="P99Ms">99th percentile latency in milliseconds.</param>
/// <param name="Non2xx">Responses that were neither 2xx nor 3xx (wrk's own grouping).</param>
/// <param name="ConnectErrors">Connections that could not be opened.</param>
/// <param name="ReadErrors">Reads that failed (a connection reset, for one).</param>
/// <param name="WriteErrors">Writes that failed.</param>
/// <param name="Timeouts">Requests with no answer within wrk's 2-second timeout.</param>
internal sealed record WrkResult(
    int Connections,
    long Requests,
    double RequestsPerSecond,
    double P50Ms,
    double P99Ms,
    long Non2xx,
    long ConnectErrors,
    long ReadErrors,
    long WriteErrors,
    long Timeouts)
{
    /// <summary>Every request that did not end in a 2xx/3xx answer, or that failed on the socket.</summary>
    public long Errors => Non2xx + ConnectErrors + ReadErrors + WriteErrors + Timeouts;

    /// <summary>The errors spelt out, e.g. "12 non-2xx, 3 timeout"; empty when there were none.</summary>
    public string ErrorDetail()
    {
        var parts = new List<string>();
        Add(Non2xx, "non-2xx");
        Add(ConnectErrors, "connect");
        Add(ReadErrors, "read");
        Add(WriteErrors, "write");
        Add(Timeouts, "timeout");
        return string.Join(", ", parts);

        void Add(long count, string what)
        {
            if (count > 0)
            {
                parts.Add($"{count} {what}");
            }
        }
    }
}
