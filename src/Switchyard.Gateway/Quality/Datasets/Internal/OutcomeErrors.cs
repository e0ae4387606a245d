using System.Globalization;

namespace Switchyard.Gateway.Quality.Datasets.Internal;

/// <summary>
/// The problems found in an outcome file, each with the file and line, in the order of the lines (a row is read in two
/// steps, so they are not found in that order); the first 20 are kept and the rest counted.
/// </summary>
internal sealed class OutcomeErrors(string path)
{
    private const int Kept = 20;

    private readonly List<(int Line, string Error)> _errors = [];

    public int Count => _errors.Count;

    public void Add(int line, string problem) => _errors.Add((line, string.Create(CultureInfo.InvariantCulture, $"{path}:{line}: {problem}")));

    /// <summary>A problem of the whole file, listed first.</summary>
    public void AddFile(string problem) => _errors.Add((0, $"{path}: {problem}"));

    public List<string> ToList()
    {
        var errors = _errors.OrderBy(e => e.Line).Take(Kept).Select(e => e.Error).ToList();
        if (Count > Kept)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"... and {Count - Kept} more problems."));
        }

        return errors;
    }
}
