using Spectre.Console;
using Switchyard.Gateway.Economics.Tco;

namespace Switchyard.Cli.Internal;

/// <summary>
/// The terminal's version of the cost chart: one row per daily volume step, a bar per strategy, and the break-even as
/// its own row. Plain block characters, so it reads the same piped into a file.
/// </summary>
internal static class TcoTerminalChart
{
    private const int Rows = 8;
    private const int BarWidth = 28;

    public static void Write(IAnsiConsole console, TcoInputs inputs, decimal maxTokensPerDay, decimal? breakEven)
    {
        var volumes = new List<decimal>(Rows + 2);
        for (var i = 0; i <= Rows; i++)
        {
            volumes.Add(maxTokensPerDay * i / Rows);
        }

        if (breakEven is { } crossing && crossing > 0 && crossing <= maxTokensPerDay && !volumes.Contains(crossing))
        {
            volumes.Add(crossing);
            volumes.Sort();
        }

        var costs = volumes.Select(v => (Volume: v, Api: TcoCalculator.ApiAnnualCost(inputs, v), Self: TcoCalculator.SelfHostedAnnualCost(inputs, v))).ToList();
        var top = costs.Max(c => Math.Max(c.Api, c.Self));
        var table = new Table()
            .Title("Cost a year against tokens a day")
            .AddColumn(new TableColumn("tokens a day").RightAligned())
            .AddColumn(TcoCalculator.ApiStrategy)
            .AddColumn(TcoCalculator.SelfHostedStrategy)
            .AddColumn("cheaper");
        foreach (var (volume, api, self) in costs)
        {
            var isBreakEven = volume == breakEven;
            var label = TcoFormat.Count(volume) + (isBreakEven ? " ◄ break-even" : string.Empty);
            table.AddRow(
                new Text(label, isBreakEven ? new Style(Color.Yellow, decoration: Decoration.Bold) : Style.Plain),
                Bar(api, top, Color.Red),
                Bar(self, top, Color.Blue),
                new Text(self <= api ? TcoCalculator.SelfHostedStrategy : TcoCalculator.ApiStrategy));
        }

        console.Write(table);
    }

    private static Text Bar(decimal cost, decimal top, Color color)
    {
        var length = top > 0 ? (int)Math.Round(cost / top * BarWidth, MidpointRounding.AwayFromZero) : 0;
        return new Text(new string('█', length).PadRight(BarWidth) + " " + TcoFormat.Money(cost), new Style(color));
    }
}
