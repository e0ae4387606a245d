using System.Globalization;
using System.Net;
using System.Text;

namespace Switchyard.Gateway.Evaluation.Reporting;

/// <summary>
/// Small charts as inline SVG for the static HTML report: horizontal bars (with an optional interval whisker or a second
/// marker) and a scatter of cost against quality. No script, no web font, nothing fetched: the page works offline.
/// </summary>
internal static class SvgChart
{
    private const int Width = 640;
    private const int LabelWidth = 170;
    private const int ValueWidth = 150;
    private const int BarHeight = 18;
    private const int Gap = 8;

    private static readonly string[] Palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    /// <summary>One bar: its label, its length, an optional interval (whisker) or second marker, and the text beside it.</summary>
    public readonly record struct Bar(string Label, double Value, double? Low, double? High, string Text, double? Marker = null);

    public static string Colour(int index) => Palette[index % Palette.Length];

    /// <summary>Horizontal bars scaled to <paramref name="max"/> (or the largest value); a vertical line at <paramref name="rule"/> when given.</summary>
    public static string Bars(string title, IReadOnlyList<Bar> bars, double? max = null, double? rule = null, string? ruleLabel = null)
    {
        var scale = max ?? Math.Max(1e-12, bars.Select(b => Math.Max(b.Value, Math.Max(b.High ?? 0, b.Marker ?? 0))).DefaultIfEmpty(1).Max());
        var plot = Width - LabelWidth - ValueWidth;
        var height = 28 + (bars.Count * (BarHeight + Gap)) + 10;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" role=\"img\" aria-label=\"{Encode(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"16\" class=\"title\">{Encode(title)}</text>");
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var y = 28 + (i * (BarHeight + Gap));
            var length = X(bar.Value);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth - 6}\" y=\"{y + 13}\" text-anchor=\"end\">{Encode(bar.Label)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{LabelWidth}\" y=\"{y}\" width=\"{length:0.#}\" height=\"{BarHeight}\" fill=\"{Colour(i)}\"><title>{Encode(bar.Label + ": " + bar.Text)}</title></rect>");
            if (bar.Low is { } low && bar.High is { } high)
            {
                var (x1, x2, mid) = (LabelWidth + X(low), LabelWidth + X(high), y + (BarHeight / 2));
                svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{x1:0.#},{mid} H{x2:0.#} M{x1:0.#},{y + 3} V{y + BarHeight - 3} M{x2:0.#},{y + 3} V{y + BarHeight - 3}\" class=\"whisker\"/>");
            }

            if (bar.Marker is { } marker)
            {
                var x = LabelWidth + X(marker);
                svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{x:0.#},{y - 2} V{y + BarHeight + 2}\" class=\"marker\"/>");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - ValueWidth + 8}\" y=\"{y + 13}\">{Encode(bar.Text)}</text>");
        }

        if (rule is { } at)
        {
            var x = LabelWidth + X(at);
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{x:0.#},22 V{height - 6}\" class=\"rule\"/><text x=\"{x + 3:0.#}\" y=\"{height - 2}\" class=\"small\">{Encode(ruleLabel ?? "")}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();

        double X(double value) => Math.Clamp(value / scale, 0, 1) * plot;
    }

    /// <summary>One point of a scatter: a model at its cost (x) and quality (y), with the quality's interval.</summary>
    public readonly record struct Point(string Label, double X, double Y, double Low, double High);

    /// <summary>Quality (0 to 1, upwards) against cost (rightwards), a dashed line at <paramref name="minQuality"/>.</summary>
    public static string Scatter(string title, string xTitle, IReadOnlyList<Point> points, double minQuality, Func<double, string> xText)
    {
        const int Height = 300;
        const int Left = 50;
        const int Bottom = 40;
        const int Top = 28;
        var plotWidth = Width - Left - 20;
        var plotHeight = Height - Top - Bottom;
        var maxX = Math.Max(1e-12, points.Select(p => p.X).DefaultIfEmpty(1).Max() * 1.1);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"{Encode(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"16\" class=\"title\">{Encode(title)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{Left},{Top} V{Top + plotHeight} H{Left + plotWidth}\" class=\"axis\"/>");
        foreach (var tick in new[] { 0, 0.25, 0.5, 0.75, 1 })
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Y(tick) + 4:0.#}\" text-anchor=\"end\" class=\"small\">{tick * 100:0}%</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height - 20}\" class=\"small\">0</text><text x=\"{Left + plotWidth}\" y=\"{Height - 20}\" text-anchor=\"end\" class=\"small\">{Encode(xText(maxX))}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (plotWidth / 2)}\" y=\"{Height - 4}\" text-anchor=\"middle\" class=\"small\">{Encode(xTitle)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{Left},{Y(minQuality):0.#} H{Left + plotWidth}\" class=\"rule\"/><text x=\"{Left + plotWidth}\" y=\"{Y(minQuality) - 4:0.#}\" text-anchor=\"end\" class=\"small\">min quality {minQuality * 100:0}%</text>");
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            var x = Left + (p.X / maxX * plotWidth);
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{x:0.#},{Y(p.Low):0.#} V{Y(p.High):0.#}\" class=\"whisker\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x:0.#}\" cy=\"{Y(p.Y):0.#}\" r=\"5\" fill=\"{Colour(i)}\"><title>{Encode($"{p.Label}: {p.Y * 100:0.0}% at {xText(p.X)}")}</title></circle>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 8:0.#}\" y=\"{Y(p.Y) + 4:0.#}\" class=\"small\">{Encode(p.Label)}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();

        double Y(double quality) => Top + ((1 - Math.Clamp(quality, 0, 1)) * plotHeight);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
