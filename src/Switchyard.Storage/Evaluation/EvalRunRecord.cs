namespace Switchyard.Storage.Evaluation;

/// <summary>
/// One run of <c>switchyard eval run</c>: which suite (by its SHA-256, so two runs of an edited file are told apart),
/// against which models, where, and how it ended.
/// </summary>
public sealed record EvalRunRecord
{
    /// <summary>The run's id (<c>run_</c> and 12 hex digits), what <c>eval report</c> and <c>eval compare</c> take.</summary>
    public required string RunId { get; init; }

    /// <summary>When it started (UTC).</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>When it ended, or <see langword="null"/> while it runs (or when the process died).</summary>
    public DateTimeOffset? Finished { get; init; }

    /// <summary>
    /// <c>running</c>, <c>complete</c> (every case asked of every model), <c>cancelled</c> (stopped with Ctrl-C: the results
    /// so far are kept and marked partial) or <c>failed</c> (stopped by an error, which <see cref="Target"/>'s line does not hold).
    /// </summary>
    public required string Status { get; init; }

    /// <summary>The suite's name (its <c>suite:</c> field, or the file name).</summary>
    public required string SuiteName { get; init; }

    /// <summary>The suite file's path when the run started.</summary>
    public string? SuitePath { get; init; }

    /// <summary>SHA-256 of the suite file's bytes, lower-case hex.</summary>
    public required string SuiteHash { get; init; }

    /// <summary>How many cases the suite has.</summary>
    public required int Cases { get; init; }

    /// <summary>The models asked, as given (<c>chat</c>, <c>chat@llama-70b</c>), in order.</summary>
    public required IReadOnlyList<string> Models { get; init; }

    /// <summary>How many times each case was asked of each model.</summary>
    public required int Repeats { get; init; }

    /// <summary>The gateway's URL (or the configuration it was started from).</summary>
    public string? Target { get; init; }

    /// <summary>Whether every case was asked of every model as many times as asked.</summary>
    public bool Partial => Status != "complete";
}
