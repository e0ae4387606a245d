using Switchyard.Storage.Evaluation;

namespace Switchyard.Gateway.Evaluation.Reporting;

/// <summary>A run's results summed up per model and use case, with the cheapest model at a quality.</summary>
internal sealed record EvalReport
{
    /// <summary>The use case name of a model's row over every use case.</summary>
    public const string AllUseCases = "(all)";

    public required EvalRunRecord Run { get; init; }

    /// <summary>The models, in the run's order.</summary>
    public required IReadOnlyList<string> Models { get; init; }

    /// <summary>The use cases, in the order their first result came.</summary>
    public required IReadOnlyList<string> UseCases { get; init; }

    /// <summary>Per model: a row per use case, then its row over all of them.</summary>
    public required IReadOnlyList<EvalReportRow> Rows { get; init; }

    /// <summary>The quality <see cref="Cheapest"/> is about (<c>--min-quality</c>).</summary>
    public double MinQuality { get; init; }

    /// <summary>Per use case and over all: the cheapest model that reaches <see cref="MinQuality"/>.</summary>
    public required IReadOnlyList<CheapestPick> Cheapest { get; init; }

    /// <summary>Trials recorded, against cases × models × repeats.</summary>
    public int Recorded { get; init; }

    public int Expected { get; init; }

    /// <summary>What the judge's calls cost, in US dollars.</summary>
    public decimal JudgeCost { get; init; }

    public EvalReportRow? Row(string model, string useCase) => Rows.FirstOrDefault(r => r.Model == model && r.UseCase == useCase);
}
