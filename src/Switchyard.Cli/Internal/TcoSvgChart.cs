using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Xml;
using Switchyard.Gateway.Economics.Tco;

namespace Switchyard.Cli.Internal;

/// <summary>
/// The cost chart as a standalone SVG file: annual cost against tokens a day, a polyline per strategy, and the
/// break-even as a dashed vertical line with its label. Written with <see cref="XmlWriter"/>, so it is always valid XML.
/// </summary>
internal static class TcoSvgChart
{
    private const string Namespace = "http://www.w3.org/2000/svg";
    private const double Width = 800;
    private const double Height = 480;
    private const double Left = 90;
    private const double Right = 30;
    private const double Top = 50;
    private const double Bottom = 60;
    private const int Ticks = 5;

    private static readonly string[] Colours = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd"];

    public static void Write(string path, ImmutableArray<CostCurve> curves, decimal maxTokensPerDay, decimal? breakEven)
    {
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using var stream = File.Create(path);
        Write(stream, curves, maxTokensPerDay, breakEven);
    }

    public static void Write(Stream stream, ImmutableArray<CostCurve> curves, decimal maxTokensPerDay, decimal? breakEven)
    {
        var maxCost = curves.SelectMany(c => c.Points).Max(p => p.AnnualCost);
        var yMax = maxCost > 0 ? (double)maxCost * 1.05 : 1;
        var xMax = (double)maxTokensPerDay;
        double X(decimal volume) => Left + ((double)volume / xMax * (Width - Left - Right));
        double Y(decimal cost) => Height - Bottom - ((double)cost / yMax * (Height - Top - Bottom));

        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) });
        xml.WriteStartDocument();
        xml.WriteStartElement("svg", Namespace);
        Attributes(xml, ("width", N(Width)), ("height", N(Height)), ("viewBox", $"0 0 {N(Width)} {N(Height)}"), ("font-family", "sans-serif"), ("font-size", "12"));
        Element(xml, "rect", ("width", "100%"), ("height", "100%"), ("fill", "white"));
        Text(xml, Width / 2, 28, "Cost a year against tokens a day", ("text-anchor", "middle"), ("font-size", "16"));

        // The grid first, so the axes draw over it.
        for (var i = 0; i <= Ticks; i++)
        {
            var volume = maxTokensPerDay * i / Ticks;
            Text(xml, X(volume), Height - Bottom + 18, TcoFormat.Count(volume), ("text-anchor", "middle"));
            var cost = (decimal)yMax * i / Ticks;
            Element(xml, "line", ("x1", N(Left)), ("y1", N(Y(cost))), ("x2", N(Width - Right)), ("y2", N(Y(cost))), ("stroke", "#e0e0e0"));
            Text(xml, Left - 8, Y(cost) + 4, TcoFormat.Money(cost), ("text-anchor", "end"));
        }

        Element(xml, "line", ("x1", N(Left)), ("y1", N(Height - Bottom)), ("x2", N(Width - Right)), ("y2", N(Height - Bottom)), ("stroke", "black"));
        Element(xml, "line", ("x1", N(Left)), ("y1", N(Top)), ("x2", N(Left)), ("y2", N(Height - Bottom)), ("stroke", "black"));
        Text(xml, (Left + Width - Right) / 2, Height - 15, "tokens a day", ("text-anchor", "middle"));
        Text(xml, 20, (Top + Height - Bottom) / 2, "cost a year", ("text-anchor", "middle"), ("transform", $"rotate(-90 20 {N((Top + Height - Bottom) / 2)})"));

        for (var c = 0; c < curves.Length; c++)
        {
            var colour = Colours[c % Colours.Length];
            var points = string.Join(" ", curves[c].Points.Select(p => $"{N(X(p.TokensPerDay))},{N(Y(p.AnnualCost))}"));
            Element(xml, "polyline", ("class", "strategy"), ("data-strategy", curves[c].Strategy), ("points", points), ("fill", "none"), ("stroke", colour), ("stroke-width", "2.5"));
            var legendY = Top + 10 + (c * 18);
            Element(xml, "line", ("x1", N(Left + 15)), ("y1", N(legendY)), ("x2", N(Left + 40)), ("y2", N(legendY)), ("stroke", colour), ("stroke-width", "2.5"));
            Text(xml, Left + 46, legendY + 4, curves[c].Strategy);
        }

        if (breakEven is { } crossing && crossing > 0 && crossing <= maxTokensPerDay)
        {
            var x = X(crossing);
            Element(xml, "line", ("class", "break-even"), ("x1", N(x)), ("y1", N(Top)), ("x2", N(x)), ("y2", N(Height - Bottom)), ("stroke", "#555"), ("stroke-dasharray", "6 4"));
            Text(xml, x + 6, Top + 12, $"break-even {TcoFormat.Count(crossing)} tokens a day", ("class", "break-even"));
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void Element(XmlWriter xml, string name, params (string Name, string Value)[] attributes)
    {
        xml.WriteStartElement(name, Namespace);
        Attributes(xml, attributes);
        xml.WriteEndElement();
    }

    private static void Text(XmlWriter xml, double x, double y, string text, params (string Name, string Value)[] attributes)
    {
        xml.WriteStartElement("text", Namespace);
        Attributes(xml, [("x", N(x)), ("y", N(y)), .. attributes]);
        xml.WriteString(text);
        xml.WriteEndElement();
    }

    private static void Attributes(XmlWriter xml, params (string Name, string Value)[] attributes)
    {
        foreach (var (name, value) in attributes)
        {
            xml.WriteAttributeString(name, value);
        }
    }

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
