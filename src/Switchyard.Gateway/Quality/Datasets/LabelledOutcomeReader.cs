using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Quality.Datasets.Internal;
using Switchyard.Storage.Escalations;

namespace Switchyard.Gateway.Quality.Datasets;

/// <summary>
/// Reads a file of labelled outcomes (<c>switchyard dataset import</c>, <c>switchyard router eval --data</c>): prompts and
/// how well a weak and a strong model answered each, in our own shape or as public routing benchmarks publish them.
/// </summary>
/// <remarks>
/// <code>
///  file ──format──▶ rows ──────────────▶ shape (of the first row) ──▶ two scores a row ──▶ scale ──▶ outcomes
///  .csv: CSV        prompt (any alias),   nested: "scores": {...}       --weak/--strong     per column: 0-1,
///  [ : JSON array   label, typed fields   flat: a column per model       name the two        0-10 or 0-100 by
///  { : JSON lines                         battles: model_a/b, winner     (or the only two)   its largest score
///                                         long: prompt, model, score
/// </code>
/// Every problem is reported with its file and line and how to fix it; one bad row fails the whole file, so that nothing
/// half-read is stored. A row whose weak or strong score is missing or null is skipped and counted, not an error: public
/// benchmarks leave a model's cell empty where it was not run. The shapes, with examples, are in the README next to this file.
/// </remarks>
internal static partial class LabelledOutcomeReader
{
    /// <summary>One outcome: the prompt, its label, its other tags (comma-separated), and both scores in [0, 1].</summary>
    public readonly record struct Outcome(string Prompt, string? Label, string? Tags, double WeakScore, double StrongScore);

    /// <summary>Reads the whole file, or returns its problems (<c>file:line: what</c>).</summary>
    public static LabelledOutcomeResult Read(string path, LabelledOutcomeOptions options)
    {
        var errors = new OutcomeErrors(path);
        var rows = new List<OutcomeRow>();
        LabelledOutcomeFormat format;
        try
        {
            format = options.Format == LabelledOutcomeFormat.Auto ? Sniff(path) : options.Format;
            switch (format)
            {
                case LabelledOutcomeFormat.Csv:
                    ReadCsv(path, rows, errors);
                    break;
                case LabelledOutcomeFormat.JsonArray:
                    ReadJsonArray(path, rows, errors);
                    break;
                default:
                    ReadJsonLines(path, rows, errors);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.AddFile($"could not read the file ({e.Message}).");
            return Failed(errors);
        }

        if (rows.Count == 0)
        {
            if (errors.Count == 0)
            {
                errors.AddFile("the file holds no outcomes (one JSON object a line: {\"prompt\": \"...\", \"scores\": {\"open\": 0, \"frontier\": 1}}, or a CSV with a header row; see the formats in `switchyard dataset import --help`).");
            }

            return Failed(errors);
        }

        return Interpret(path, rows, options, format, errors);
    }

    /// <summary>The outcomes as samples to store, the cheap tier failing below <paramref name="passMark"/>.</summary>
    public static IEnumerable<OutcomeSample> AsSamples(IEnumerable<Outcome> outcomes, double passMark, string? route, DateTimeOffset now)
        => outcomes.Select(o => new OutcomeSample
        {
            Timestamp = now,
            Source = "import",
            Route = route,
            Label = o.Label,
            Tags = o.Tags,
            Prompt = o.Prompt,
            CheapFailed = o.WeakScore < passMark,
            CheapScore = o.WeakScore,
            StrongScore = o.StrongScore,
        });

    private static LabelledOutcomeResult Failed(OutcomeErrors errors) => new() { Outcomes = [], Errors = errors.ToList(), Summary = "" };

    /// <summary>The format from the extension, else from the first character.</summary>
    private static LabelledOutcomeFormat Sniff(string path)
    {
        var extension = Path.GetExtension(path);
        if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return LabelledOutcomeFormat.Csv;
        }

        using var reader = File.OpenText(path);
        int c;
        while ((c = reader.Read()) != -1 && char.IsWhiteSpace((char)c))
        {
        }

        return c switch
        {
            '[' => LabelledOutcomeFormat.JsonArray,
            '{' => LabelledOutcomeFormat.JsonLines,
            _ when extension.ToUpperInvariant() is ".JSONL" or ".JSON" or ".NDJSON" => LabelledOutcomeFormat.JsonLines,
            -1 => LabelledOutcomeFormat.JsonLines,
            _ => LabelledOutcomeFormat.Csv,
        };
    }

    private static void ReadJsonLines(string path, List<OutcomeRow> rows, OutcomeErrors errors)
    {
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                errors.Add(number, NotJson(e, line));
                continue;
            }

            using (document)
            {
                Add(number, document.RootElement, rows, errors);
            }
        }
    }

    private static void ReadJsonArray(string path, List<OutcomeRow> rows, OutcomeErrors errors)
    {
        var bytes = File.ReadAllBytes(path).AsSpan();
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var line = 1;
        var counted = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                errors.Add(1, "expected a JSON array of objects, [{\"prompt\": \"...\", ...}, ...]; for one object a line use --format jsonl");
                return;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                line += bytes[counted..start].Count((byte)'\n');
                counted = start;
                using var document = JsonDocument.ParseValue(ref reader);
                Add(line, document.RootElement, rows, errors);
            }
        }
        catch (JsonException e)
        {
            errors.Add((int)(e.LineNumber ?? 0) + 1, $"not valid JSON ({e.Message}); the whole array is unread");
            rows.Clear();
        }
    }

    private static void Add(int line, JsonElement root, List<OutcomeRow> rows, OutcomeErrors errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(line, "expected a JSON object with the prompt and the scores, e.g. {\"prompt\": \"...\", \"scores\": {\"open\": 0, \"frontier\": 1}}");
            return;
        }

        var fields = root.EnumerateObject().Select(p => new OutcomeRowBuilder.Source(p.Name, p.Value, null)).ToList();
        if (OutcomeRowBuilder.Build(line, fields, out var problem) is { } row)
        {
            rows.Add(row);
        }
        else
        {
            errors.Add(line, problem!);
        }
    }

    private static void ReadCsv(string path, List<OutcomeRow> rows, OutcomeErrors errors)
    {
        using var text = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        List<string>? header = null;
        foreach (var record in CsvRecordReader.Read(text))
        {
            if (record.Error is { } error)
            {
                errors.Add(record.Line, error);
                continue;
            }

            if (header is null)
            {
                header = [.. record.Fields.Select(f => f.Trim())];
                if (header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1 && g.Key.Length > 0) is { } twice)
                {
                    errors.Add(record.Line, $"the header names the column '{twice.Key}' twice; give each column its own name");
                    return;
                }

                continue;
            }

            if (record.Fields.Count != header.Count)
            {
                errors.Add(record.Line, $"has {record.Fields.Count} fields but the header has {header.Count}; a field with a comma, a quote or a line break must be in double quotes (\"a, b\"), with its quotes doubled (\"\")");
                continue;
            }

            var fields = header.Select((name, i) => new OutcomeRowBuilder.Source(name, default, record.Fields[i])).ToList();
            if (OutcomeRowBuilder.Build(record.Line, fields, out var problem) is { } row)
            {
                rows.Add(row);
            }
            else
            {
                errors.Add(record.Line, problem!);
            }
        }
    }

    private static string NotJson(JsonException e, string line)
    {
        var hint = line.Contains("NaN", StringComparison.Ordinal) || line.Contains("Infinity", StringComparison.Ordinal)
            ? "; NaN and Infinity are not JSON: write null for a missing score"
            : line.TrimStart().StartsWith('[') ? "; a file that is one JSON array must start with [ on its first line (or use --format json)" : "";
        return $"not valid JSON ({e.Message}){hint}";
    }
}
