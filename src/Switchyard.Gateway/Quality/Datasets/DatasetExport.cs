namespace Switchyard.Gateway.Quality.Datasets;

/// <summary>The exported lines and what was done.</summary>
internal sealed record DatasetExport(IReadOnlyList<string> Train, IReadOnlyList<string> Validation, DatasetSummary Summary);
