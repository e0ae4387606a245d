namespace Switchyard.Gateway.Quality.Datasets.Internal;

/// <summary>One record of a CSV file: the line it starts on, its fields, or what is wrong with it.</summary>
internal sealed record CsvRecord(int Line, List<string> Fields, string? Error = null);
