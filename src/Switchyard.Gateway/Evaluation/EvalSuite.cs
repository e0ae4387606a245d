using System.Collections.Immutable;

namespace Switchyard.Gateway.Evaluation;

/// <summary>A suite read from its file: its cases, grouped by use case in the report, and the judge its judge scorers ask.</summary>
internal sealed class EvalSuite
{
    /// <summary>The suite's name (<c>suite:</c>, or the file's name without its extension).</summary>
    public required string Name { get; init; }

    /// <summary>The file it was read from.</summary>
    public required string Path { get; init; }

    /// <summary>SHA-256 of the file's bytes, lower-case hex: two runs of one hash asked the same questions.</summary>
    public required string Hash { get; init; }

    public required ImmutableArray<EvalCase> Cases { get; init; }

    /// <summary>The judge (<c>judge:</c>), when some case is scored by one.</summary>
    public EvalJudge? Judge { get; init; }

    /// <summary>The use cases, in the order they first appear.</summary>
    public ImmutableArray<string> UseCases => [.. Cases.Select(c => c.UseCase).Distinct(StringComparer.Ordinal)];
}
