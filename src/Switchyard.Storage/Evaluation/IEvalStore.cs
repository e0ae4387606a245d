namespace Switchyard.Storage.Evaluation;

/// <summary>
/// Evaluation runs and their results (<c>switchyard eval</c>). Results are added as they finish, so a run stopped
/// half-way keeps what it measured.
/// </summary>
public interface IEvalStore
{
    /// <summary>Records a new run (its status <c>running</c>).</summary>
    void AddRun(EvalRunRecord run);

    /// <summary>Marks a run ended: <c>complete</c>, <c>cancelled</c> or <c>failed</c>.</summary>
    void FinishRun(string runId, string status, DateTimeOffset finished);

    /// <summary>Adds results in one transaction (a case, model and repeat seen again replaces its result).</summary>
    void AddResults(IReadOnlyCollection<EvalResultRecord> results);

    /// <summary>
    /// The run with this id; a unique prefix of at least 6 characters (after <c>run_</c>) is enough, and <c>latest</c> is
    /// the newest run. <see langword="null"/> when none matches, or several do (<paramref name="ambiguous"/> is then true).
    /// </summary>
    EvalRunRecord? FindRun(string idOrPrefix, out bool ambiguous);

    /// <summary>The newest runs first.</summary>
    IReadOnlyList<EvalRunRecord> ListRuns(int limit);

    /// <summary>Every result of a run, in the order they were first added.</summary>
    IReadOnlyList<EvalResultRecord> Results(string runId);
}
