using System.Globalization;
using System.Text;

namespace Switchyard.Gateway.Diagnostics.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format, version 0.0.4: per family one <c># HELP</c> and one <c># TYPE</c> line,
/// then its samples, all together; label values escaped (backslash, double quote, line feed); floats as Go's
/// <c>ParseFloat</c> reads them, with <c>+Inf</c>, <c>-Inf</c> and <c>NaN</c>; every line ends with a line feed.
/// </summary>
/// <remarks>
/// The caller guarantees that each series is written once (its series come from dictionaries keyed by their labels);
/// the writer guarantees that each family is announced once and that samples belong to the family announced last.
/// </remarks>
internal sealed class PrometheusTextWriter
{
    /// <summary>The content type of the format, as scrapers expect it.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new(16 * 1024);
    private readonly HashSet<string> _families = new(StringComparer.Ordinal);
    private string? _family;
    private string? _type;

    /// <summary>Announces a family: <paramref name="type"/> is <c>counter</c>, <c>gauge</c> or <c>histogram</c>.</summary>
    public void Family(string name, string type, string help)
    {
        if (!IsMetricName(name) || !_families.Add(name))
        {
            throw new InvalidOperationException($"metric family '{name}' is not a valid name or is written twice");
        }

        if (type == "counter" && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"counter '{name}' must end with _total");
        }

        _family = name;
        _type = type;
        _text.Append("# HELP ").Append(name).Append(' ');
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => _text.Append(@"\\"),
                '\n' => _text.Append(@"\n"),
                _ => _text.Append(c),
            };
        }

        _text.Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>A sample of the current counter or gauge family.</summary>
    public void Sample(long value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        Start(_family!, labels, "sample");
        _text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>A sample of the current counter or gauge family.</summary>
    public void Sample(double value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        Start(_family!, labels, "sample");
        _text.Append(' ').Append(Format(value)).Append('\n');
    }

    /// <summary>The <c>_bucket</c>, <c>_sum</c> and <c>_count</c> samples of one series of the current histogram family.</summary>
    public void Histogram(Histogram histogram, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        if (_type != "histogram")
        {
            throw new InvalidOperationException($"'{_family}' is not a histogram");
        }

        var bounds = histogram.UpperBounds;
        Span<long> cumulative = stackalloc long[bounds.Length + 1];
        var count = histogram.CopyCumulative(cumulative);
        for (var i = 0; i <= bounds.Length; i++)
        {
            Start(_family + "_bucket", labels, "histogram");
            _text.Append(labels.Length == 0 ? "{" : ",").Append("le=\"").Append(i < bounds.Length ? Format(bounds[i]) : "+Inf").Append("\"}");
            _text.Append(' ').Append(cumulative[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        Start(_family + "_sum", labels, "histogram");
        EndLabels(labels);
        _text.Append(' ').Append(Format(histogram.SumSeconds)).Append('\n');
        Start(_family + "_count", labels, "histogram");
        EndLabels(labels);
        _text.Append(' ').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>The exposition as UTF-8.</summary>
    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_text.ToString());

    public override string ToString() => _text.ToString();

    /// <summary>A float as Go's <c>strconv.ParseFloat</c> reads it: shortest round-trip form, or <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    public static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>A metric name: <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    public static bool IsMetricName(string name)
        => name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    /// <summary>A label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>, not starting with <c>__</c> (reserved).</summary>
    public static bool IsLabelName(string name)
        => name.Length > 0 && !char.IsAsciiDigit(name[0]) && !name.StartsWith("__", StringComparison.Ordinal) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Writes the sample's name and its labels, leaving the brace open for a histogram's <c>le</c>.</summary>
    private void Start(string name, ReadOnlySpan<(string Name, string Value)> labels, string kind)
    {
        if (_family is null || (kind == "sample" && _type == "histogram"))
        {
            throw new InvalidOperationException("a sample needs its family announced first");
        }

        _text.Append(name);
        for (var i = 0; i < labels.Length; i++)
        {
            var (label, value) = labels[i];
            if (!IsLabelName(label) || label == "le")
            {
                throw new InvalidOperationException($"'{label}' is not a valid label name here");
            }

            _text.Append(i == 0 ? '{' : ',').Append(label).Append("=\"");
            foreach (var c in value)
            {
                _ = c switch
                {
                    '\\' => _text.Append(@"\\"),
                    '"' => _text.Append("\\\""),
                    '\n' => _text.Append(@"\n"),
                    _ => _text.Append(c),
                };
            }

            _text.Append('"');
        }

        if (kind == "sample")
        {
            EndLabels(labels);
        }
    }

    private void EndLabels(ReadOnlySpan<(string Name, string Value)> labels)
    {
        if (labels.Length > 0)
        {
            _text.Append('}');
        }
    }
}
