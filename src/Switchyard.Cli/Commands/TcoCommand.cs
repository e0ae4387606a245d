using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Switchyard.Cli.Internal;
using Switchyard.Gateway.Economics.Tco;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard tco</c>: what a workload costs a year on an API and on self-hosted GPUs, where they break even, and a
/// chart of both against daily volume; <c>tco compare</c> prints the annual table from given amounts; <c>--from-traffic</c>
/// projects next month from the request log. The formulas are in <c>Gateway/Economics/Tco/README.md</c>.
/// </summary>
internal static partial class TcoCommand
{
    private const string AmountShapes = "write it like 50M, 1.2M, 450k, 2,500 or $5";

    public static Command Create() => Create(TimeProvider.System);

    /// <summary>Creates the command with the clock that <c>--since</c> counts back from.</summary>
    internal static Command Create(TimeProvider time)
    {
        var options = new TcoOptions(time);
        var command = new Command("tco", "Total cost of ownership: an API against self-hosted GPUs, the break-even volume, and a chart.");
        options.AddTo(command);
        command.Subcommands.Add(CreateCompare());
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var output = pr.InvocationConfiguration.Output;
            var error = pr.InvocationConfiguration.Error;
            var errors = new List<string>();
            var pricing = options.Pricing(pr, errors);
            var selfHosted = options.SelfHosted(pr, errors);
            if (pr.GetValue(options.FromTraffic))
            {
                options.RefuseVolume(pr, errors);
                if (Failed(error, errors) || pricing is null || selfHosted is null)
                {
                    return 1;
                }

                return await FromTrafficAsync(pr, options, pricing, selfHosted, output, error, ct);
            }

            var volume = options.Volume(pr, pricing, errors);
            if (Failed(error, errors) || pricing is null || selfHosted is null)
            {
                return 1;
            }

            var inputs = new TcoInputs
            {
                Api = pricing,
                SelfHosted = selfHosted,
                Volume = volume,
                InputShare = pr.GetValue(options.InputShare) ?? 1,
                ApiOverheads = new AnnualOverheads(pr.GetValue(options.ApiFineTuning) ?? 0, pr.GetValue(options.ApiEngineering) ?? 0),
                SelfHostedOverheads = new AnnualOverheads(pr.GetValue(options.SelfFineTuning) ?? 0, pr.GetValue(options.SelfEngineering) ?? 0),
            };
            var result = TcoCalculator.Calculate(inputs);
            var console = CliConsole.Create(output);
            WriteInputs(console, pr, options, inputs);
            if (result.Api is { } api && result.SelfHosted is { } self)
            {
                WriteTable(console, api, self);
                WriteSummary(console, result, api, self);
            }

            WriteBreakEven(console, result);

            var maxVolume = pr.GetValue(options.ChartMax) ?? ChartMax(result);
            var curves = TcoCalculator.Curves(inputs, maxVolume);
            TcoTerminalChart.Write(console, inputs, maxVolume, result.BreakEvenTokensPerDay);
            if (pr.GetValue(options.Chart) is { } chartPath)
            {
                var path = Path.GetFullPath(chartPath);
                try
                {
                    TcoSvgChart.Write(path, curves, maxVolume, result.BreakEvenTokensPerDay);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"--chart: could not write {path}: {e.Message}. Give a path in a folder you can write to.");
                    return 1;
                }

                console.WriteLine($"Chart written to {path}.");
            }

            return 0;
        });
        return command;
    }

    /// <summary>An amount option read with <see cref="TcoFormat.TryParse"/>: 50M, 1.2M, 450k, $5, 60%.</summary>
    internal static Option<decimal?> Amount(string name, string description)
    {
        var option = new Option<decimal?>(name)
        {
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                if (TcoFormat.TryParse(text, out var value))
                {
                    return value;
                }

                result.AddError($"{name} '{text}' is not an amount: {AmountShapes}.");
                return null;
            },
        };
        return option;
    }

    private static bool Failed(TextWriter error, List<string> errors)
    {
        if (errors.Count == 0)
        {
            return false;
        }

        foreach (var message in errors)
        {
            error.WriteLine(message);
        }

        error.WriteLine("Run `switchyard tco --help` for every option.");
        return true;
    }

    private static void WriteInputs(IAnsiConsole console, ParseResult pr, TcoOptions options, TcoInputs inputs)
    {
        var api = inputs.Api.IsBlended
            ? $"API: {TcoFormat.ExactMoney(inputs.Api.InputPerMillion)} per million tokens"
            : $"API: {TcoFormat.ExactMoney(inputs.Api.InputPerMillion)} per million input tokens, {TcoFormat.ExactMoney(inputs.Api.OutputPerMillion)} per million output tokens";
        if (inputs.Volume is { } volume)
        {
            var share = inputs.Api.IsBlended ? string.Empty : $", {TcoFormat.Percent(volume.InputShare)} of them input";
            api += volume.CallsPerMonth is { } calls
                ? $"; {TcoFormat.Count(calls)} calls a month × {TcoFormat.Count(volume.TokensPerCall!.Value)} tokens = {TcoFormat.Count(volume.TokensPerDay)} tokens a day{share}."
                : $"; {TcoFormat.Count(volume.TokensPerDay)} tokens a day{share}.";
        }
        else
        {
            api += ".";
        }

        console.WriteLine(api);

        var self = inputs.SelfHosted;
        var line = pr.GetValue(options.GpuHour) is { } hourly
            ? $"Self-hosted: {Plural(self.GpusPerSet, "GPU")} at {TcoFormat.ExactMoney(hourly)}/h, {TcoFormat.Count(pr.GetValue(options.HoursPerDay) ?? TcoOptions.DefaultHoursPerDay)} h a day: {TcoFormat.Money(self.CostPerSetPerYear)} a year a set"
            : $"Self-hosted: {TcoFormat.Money(self.CostPerSetPerYear / TcoCalculator.MonthsPerYear)} a month a set ({TcoFormat.Money(self.CostPerSetPerYear)} a year)";
        line += self.CapacityPerSetPerDay is { } capacity
            ? string.Create(CultureInfo.InvariantCulture, $", serving {capacity:#,0} tokens a day ({TcoFormat.Count(pr.GetValue(options.TokensPerSecond)!.Value)} tokens/s per GPU at {TcoFormat.Percent(pr.GetValue(options.Utilisation) ?? TcoOptions.DefaultUtilisation)} utilisation).")
            : ", capacity not given (--gpu-tokens-per-second): one set serves any volume.";
        console.WriteLine(line);
        console.WriteLine();
    }

    private static void WriteTable(IAnsiConsole console, StrategyCost api, StrategyCost self)
    {
        var table = new Table()
            .AddColumn("a year")
            .AddColumn(new TableColumn(api.Strategy).RightAligned())
            .AddColumn(new TableColumn(self.Strategy).RightAligned())
            .AddColumn(new TableColumn("difference").RightAligned());
        void Row(string name, decimal a, decimal s) => table.AddRow(name, TcoFormat.Money(a), TcoFormat.Money(s), TcoFormat.Money(a - s));
        Row("Inference", api.Inference, self.Inference);
        Row("Fine-tuning", api.FineTuning, self.FineTuning);
        Row("Engineering", api.Engineering, self.Engineering);
        table.AddRow("Data privacy", "prompts and answers go to the vendor", "stays on your own GPUs", "(a note, not priced)");
        table.AddRow(new Text("Total", new Style(decoration: Decoration.Bold)), new Text(TcoFormat.Money(api.Total), new Style(decoration: Decoration.Bold)), new Text(TcoFormat.Money(self.Total), new Style(decoration: Decoration.Bold)), new Text(TcoFormat.Money(api.Total - self.Total), new Style(decoration: Decoration.Bold)));
        table.AddRow("a month", TcoFormat.Money(api.Monthly), TcoFormat.Money(self.Monthly), TcoFormat.Money(api.Monthly - self.Monthly));
        console.Write(table);
    }

    private static void WriteSummary(IAnsiConsole console, TcoResult result, StrategyCost api, StrategyCost self)
    {
        console.WriteLine($"API: {TcoFormat.ExactMoney(api.Total)} a year ({TcoFormat.ExactMoney(api.Monthly)} a month).");
        var sets = self.GpuSets is { } n ? $" on {Plural(n, "GPU set")}" : string.Empty;
        console.WriteLine($"Self-hosted: {TcoFormat.ExactMoney(self.Total)} a year{sets} ({TcoFormat.ExactMoney(self.Monthly)} a month).");
        var savings = result.AnnualSavings!.Value;
        console.WriteLine(savings >= 0
            ? $"Self-hosting saves {TcoFormat.Money(savings)} a year ({TcoFormat.ExactMoney(savings)})."
            : $"Self-hosting costs {TcoFormat.Money(-savings)} a year more ({TcoFormat.ExactMoney(-savings)}).");
    }

    private static void WriteBreakEven(IAnsiConsole console, TcoResult result)
    {
        if (result.BreakEvenTokensPerDay is not { } breakEven)
        {
            console.WriteLine("Break-even: never. Each GPU set costs more than the API charges for the tokens it serves; a cheaper GPU, more throughput or a dearer API changes that.");
            return;
        }

        if (breakEven == 0)
        {
            console.WriteLine("Break-even: at any volume: self-hosting costs no more than the API even with no traffic.");
            return;
        }

        var exact = Math.Round(breakEven, 0, MidpointRounding.AwayFromZero).ToString("#,0", CultureInfo.InvariantCulture);
        var calls = result.Inputs.Volume?.TokensPerCall is { } perCall and > 0
            ? $", {TcoFormat.Count(breakEven * TcoCalculator.DaysPerYear / TcoCalculator.MonthsPerYear / perCall)} calls a month"
            : string.Empty;
        console.WriteLine($"Break-even: {TcoFormat.Count(breakEven)} tokens a day ({exact}{calls}): from there self-hosting costs no more than the API.");
    }

    /// <summary>The chart's widest volume: twice the break-even or the volume, whichever is larger.</summary>
    private static decimal ChartMax(TcoResult result)
    {
        var max = Math.Max(result.BreakEvenTokensPerDay ?? 0, result.Inputs.Volume?.TokensPerDay ?? 0) * 2;
        if (max == 0)
        {
            max = result.Inputs.SelfHosted.CapacityPerSetPerDay * 3 ?? 100_000_000;
        }

        return max;
    }

    private static string Plural(long n, string noun) => n == 1 ? $"1 {noun}" : string.Create(CultureInfo.InvariantCulture, $"{n} {noun}s");
}
