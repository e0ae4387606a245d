using System.Globalization;
using System.Text;

namespace Switchyard.Gateway.Tests.Diagnostics.Metrics;

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, written from the specification for the tests: it
/// throws <see cref="FormatException"/> (with the line) on anything the format does not allow or the gateway must not
/// write: invalid UTF-8, a missing final line feed, a malformed line, a family announced twice or with samples before
/// its TYPE, interleaved families, a bad name, label or escape, a duplicate series, a counter not ending in
/// <c>_total</c> or going negative, histogram buckets that are not ascending and cumulative, or a <c>+Inf</c> bucket
/// that differs from <c>_count</c>.
/// </summary>
internal sealed class PrometheusText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private PrometheusText(Dictionary<string, Family> families) => Families = families;

    public IReadOnlyDictionary<string, Family> Families { get; }

    /// <summary>Every sample of <paramref name="family"/> (with the histogram suffixes), optionally only those whose labels include <paramref name="labels"/>.</summary>
    public IEnumerable<Sample> Samples(string family, params (string Name, string Value)[] labels)
        => Families.TryGetValue(family, out var found)
            ? found.Samples.Where(s => labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value))
            : throw new KeyNotFoundException($"no family {family}");

    /// <summary>The sum of the samples named exactly <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Name, string Value)[] labels)
    {
        var family = Families.Keys.FirstOrDefault(f => name == f || name == f + "_count" || name == f + "_sum" || name == f + "_bucket")
            ?? throw new KeyNotFoundException($"no family for {name}");
        return Samples(family, labels).Where(s => s.Name == name).Sum(s => s.Value);
    }

    public static PrometheusText Parse(byte[] utf8)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException("the exposition is not valid UTF-8", e);
        }

        return Parse(text);
    }

    public static PrometheusText Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("the last line does not end with a line feed");
        }

        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        Family? current = null;
        var lines = text.Split('\n');
        for (var n = 0; n < lines.Length - 1; n++)
        {
            var line = lines[n];
            var where = $"line {n + 1}: '{line}'";
            if (line.Length == 0)
            {
                throw new FormatException($"{where}: an empty line (allowed by the format, never written by the gateway)");
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line["# HELP ".Length..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                var name = space < 0 ? rest : rest[..space];
                CheckMetricName(name, where);
                if (families.ContainsKey(name))
                {
                    throw new FormatException($"{where}: family {name} announced twice");
                }

                current = new Family(name, Unescape(space < 0 ? "" : rest[(space + 1)..], quotes: false, where));
                families.Add(name, current);
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line["# TYPE ".Length..].Split(' ');
                if (parts.Length != 2 || parts[1] is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
                {
                    throw new FormatException($"{where}: a TYPE line is '# TYPE name counter|gauge|histogram|summary|untyped'");
                }

                if (current is null || current.Name != parts[0] || current.Type is not null || current.Samples.Count > 0)
                {
                    throw new FormatException($"{where}: TYPE must follow its family's HELP, once, before its samples");
                }

                if (parts[1] == "counter" && !parts[0].EndsWith("_total", StringComparison.Ordinal))
                {
                    throw new FormatException($"{where}: a counter's name ends with _total");
                }

                current.Type = parts[1];
                continue;
            }

            if (line.StartsWith('#'))
            {
                throw new FormatException($"{where}: a comment that is neither HELP nor TYPE");
            }

            var sample = ParseSample(line, where);
            if (current?.Type is null)
            {
                throw new FormatException($"{where}: a sample before any HELP and TYPE");
            }

            var allowed = current.Type == "histogram"
                ? sample.Name == current.Name + "_bucket" || sample.Name == current.Name + "_sum" || sample.Name == current.Name + "_count"
                : sample.Name == current.Name;
            if (!allowed)
            {
                // Samples of another family in the middle of this one: families must be contiguous and announced.
                throw new FormatException($"{where}: sample {sample.Name} does not belong to the family being written ({current.Name}, {current.Type})");
            }

            if (current.Type == "counter" && !(sample.Value >= 0))
            {
                throw new FormatException($"{where}: a counter is never negative or NaN");
            }

            var identity = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
            if (!series.Add(identity))
            {
                throw new FormatException($"{where}: duplicate series {identity}");
            }

            current.Samples.Add(sample);
        }

        foreach (var family in families.Values)
        {
            if (family.Type is null)
            {
                throw new FormatException($"family {family.Name} has HELP but no TYPE");
            }

            if (family.Type == "histogram")
            {
                CheckHistogram(family);
            }
        }

        return new PrometheusText(families);
    }

    private static Sample ParseSample(string line, string where)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }

        var name = line[..i];
        CheckMetricName(name, where);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                var start = i;
                while (i < line.Length && line[i] != '=')
                {
                    i++;
                }

                var label = line[start..i];
                if (!IsLabelName(label))
                {
                    throw new FormatException($"{where}: '{label}' is not a label name");
                }

                if (i + 1 >= line.Length || line[i + 1] != '"')
                {
                    throw new FormatException($"{where}: label {label} has no quoted value");
                }

                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new FormatException($"{where}: unterminated label value");
                    }

                    var c = line[i++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        var escaped = i < line.Length ? line[i++] : throw new FormatException($"{where}: a backslash at the end of a line");
                        value.Append(escaped switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"{where}: '\\{escaped}' is not an escape of the format (only \\\\, \\\" and \\n)"),
                        });
                    }
                    else
                    {
                        value.Append(c);
                    }
                }

                if (!labels.TryAdd(label, value.ToString()))
                {
                    throw new FormatException($"{where}: label {label} given twice");
                }

                if (i < line.Length && line[i] == ',')
                {
                    i++;
                    continue;
                }

                if (i < line.Length && line[i] == '}')
                {
                    i++;
                    break;
                }

                throw new FormatException($"{where}: expected ',' or '}}' after a label");
            }
        }

        if (i >= line.Length || line[i] != ' ')
        {
            throw new FormatException($"{where}: no space before the value");
        }

        var valueText = line[(i + 1)..];
        double parsed = valueText switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ when valueText.Length > 0 && valueText.All(c => char.IsAsciiDigit(c) || c is '.' or '-' or '+' or 'e' or 'E')
                && double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => number,
            _ => throw new FormatException($"{where}: '{valueText}' is not a value (a float, +Inf, -Inf or NaN; no timestamp is written)"),
        };
        return new Sample(name, labels, parsed);
    }

    private static void CheckHistogram(Family family)
    {
        foreach (var group in family.Samples.GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value))))
        {
            var buckets = group.Where(s => s.Name == family.Name + "_bucket").ToList();
            var count = group.SingleOrDefault(s => s.Name == family.Name + "_count") ?? throw new FormatException($"{family.Name}{{{group.Key}}} has no _count");
            _ = group.SingleOrDefault(s => s.Name == family.Name + "_sum") ?? throw new FormatException($"{family.Name}{{{group.Key}}} has no _sum");
            if (buckets.Count == 0 || buckets[^1].Labels.GetValueOrDefault("le") != "+Inf")
            {
                throw new FormatException($"{family.Name}{{{group.Key}}}: the buckets must end with le=\"+Inf\"");
            }

            var previousBound = double.NegativeInfinity;
            var previousCount = 0.0;
            foreach (var bucket in buckets)
            {
                if (!bucket.Labels.TryGetValue("le", out var le))
                {
                    throw new FormatException($"{family.Name}{{{group.Key}}}: a bucket without le");
                }

                var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, NumberStyles.Float, CultureInfo.InvariantCulture);
                if (bound <= previousBound || bucket.Value < previousCount)
                {
                    throw new FormatException($"{family.Name}{{{group.Key}}}: bucket le={le} is not ascending and cumulative");
                }

                (previousBound, previousCount) = (bound, bucket.Value);
            }

            if (buckets[^1].Value != count.Value)
            {
                throw new FormatException($"{family.Name}{{{group.Key}}}: the +Inf bucket ({buckets[^1].Value}) differs from _count ({count.Value})");
            }
        }
    }

    private static string Unescape(string text, bool quotes, string where)
    {
        var value = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                value.Append(text[i]);
                continue;
            }

            var next = ++i < text.Length ? text[i] : throw new FormatException($"{where}: a backslash at the end of the HELP text");
            value.Append(next switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when quotes => '"',
                _ => throw new FormatException($"{where}: '\\{next}' is not an escape of HELP text"),
            });
        }

        return value.ToString();
    }

    private static void CheckMetricName(string name, string where)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':'))
        {
            throw new FormatException($"{where}: '{name}' is not a metric name");
        }
    }

    private static bool IsLabelName(string name)
        => name.Length > 0 && !char.IsAsciiDigit(name[0]) && !name.StartsWith("__", StringComparison.Ordinal) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    internal sealed class Family(string name, string help)
    {
        public string Name { get; } = name;

        public string Help { get; } = help;

        public string? Type { get; set; }

        public List<Sample> Samples { get; } = [];
    }

    internal sealed record Sample(string Name, Dictionary<string, string> Labels, double Value);
}
