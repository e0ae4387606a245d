namespace Switchyard.Gateway.Quality.Datasets;

/// <summary>How an outcome file is written (<c>--format</c>).</summary>
internal enum LabelledOutcomeFormat
{
    /// <summary><c>.csv</c> is CSV; otherwise a file starting with <c>[</c> is a JSON array and one starting with <c>{</c> JSON lines.</summary>
    Auto,

    /// <summary>One JSON object a line (JSONL, NDJSON).</summary>
    JsonLines,

    /// <summary>One JSON array of objects.</summary>
    JsonArray,

    /// <summary>RFC 4180 CSV with a header row.</summary>
    Csv,
}
