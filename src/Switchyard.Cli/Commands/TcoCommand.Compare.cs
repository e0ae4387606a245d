using System.CommandLine;
using Spectre.Console;
using Switchyard.Cli.Internal;
using Switchyard.Gateway.Economics.Tco;

namespace Switchyard.Cli.Commands;

internal static partial class TcoCommand
{
    /// <summary><c>tco compare</c>: the annual table from amounts already known (a budget, a quote) rather than a volume.</summary>
    private static Command CreateCompare()
    {
        var apiInference = Amount("--api-inference", "API fees a year (e.g. 1.2M).");
        var selfInference = Amount("--self-inference", "Self-hosted GPUs a year (e.g. 450k).");
        var apiFineTuning = Amount("--api-fine-tuning", "Fine-tuning a year with the API (e.g. 200k).");
        var apiEngineering = Amount("--api-engineering", "Engineering a year with the API (e.g. 50k).");
        var selfFineTuning = Amount("--self-fine-tuning", "Fine-tuning a year when self-hosting (e.g. 50k).");
        var selfEngineering = Amount("--self-engineering", "Engineering a year when self-hosting (e.g. 300k).");
        var command = new Command("compare", "The annual table (inference, fine-tuning, engineering, data privacy, total) of an API strategy against a self-hosted one, from given amounts.")
        {
            apiInference, selfInference, apiFineTuning, apiEngineering, selfFineTuning, selfEngineering,
        };
        command.SetAction(pr =>
        {
            var errors = new List<string>();
            foreach (var required in new[] { apiInference, selfInference })
            {
                if (pr.GetValue(required) is null)
                {
                    errors.Add($"{required.Name} is missing: the inference cost a year (e.g. {(required == apiInference ? "1.2M" : "450k")}). To derive it from a volume and prices, run `switchyard tco` without `compare`.");
                }
            }

            if (Failed(pr.InvocationConfiguration.Error, errors))
            {
                return 1;
            }

            var (api, self) = TcoCalculator.Compare(
                pr.GetValue(apiInference)!.Value,
                new AnnualOverheads(pr.GetValue(apiFineTuning) ?? 0, pr.GetValue(apiEngineering) ?? 0),
                pr.GetValue(selfInference)!.Value,
                new AnnualOverheads(pr.GetValue(selfFineTuning) ?? 0, pr.GetValue(selfEngineering) ?? 0));
            var console = CliConsole.Create(pr.InvocationConfiguration.Output);
            WriteTable(console, api, self);
            var savings = api.Total - self.Total;
            console.WriteLine($"API {TcoFormat.Money(api.Total)} a year against self-hosted {TcoFormat.Money(self.Total)}: " + (savings >= 0
                ? $"self-hosting saves {TcoFormat.Money(savings)} a year ({TcoFormat.ExactMoney(savings)})."
                : $"self-hosting costs {TcoFormat.Money(-savings)} a year more ({TcoFormat.ExactMoney(-savings)})."));
            return 0;
        });
        return command;
    }
}
