using System.CommandLine;
using Switchyard.Gateway.Economics.Tco;

namespace Switchyard.Cli.Commands;

internal static partial class TcoCommand
{
    /// <summary>The options of <c>switchyard tco</c>, and the checks that turn them into the model's inputs, each error saying which option and how to fix it.</summary>
    private sealed class TcoOptions(TimeProvider time)
    {
        public const decimal DefaultHoursPerDay = 24;
        public const decimal DefaultUtilisation = 1;

        public Option<decimal?> ApiPrice { get; } = Amount("--api-price", "API price in $ per million tokens, input and output alike (e.g. 5).");
        public Option<decimal?> ApiPriceIn { get; } = Amount("--api-price-in", "API price in $ per million input tokens (with --api-price-out).");
        public Option<decimal?> ApiPriceOut { get; } = Amount("--api-price-out", "API price in $ per million output tokens (with --api-price-in).");
        public Option<decimal?> TokensPerDay { get; } = Amount("--tokens-per-day", "Volume: tokens a day, input and output (e.g. 50M).");
        public Option<decimal?> CallsPerMonth { get; } = Amount("--calls-per-month", "Volume: calls a month (e.g. 10M), with --tokens-per-call.");
        public Option<decimal?> TokensPerCall { get; } = Amount("--tokens-per-call", "Tokens a call, input and output (e.g. 400), with --calls-per-month.");
        public Option<decimal?> InputShare { get; } = Amount("--input-share", "Fraction of the tokens that are input tokens (0.75 or 75%); needed with separate input and output prices.");
        public Option<decimal?> GpuHour { get; } = Amount("--gpu-hour", "Self-hosted: price of one GPU-hour (e.g. 2.5).");
        public Option<int> Gpus { get; } = new("--gpus") { Description = "Self-hosted: GPUs in one set, the GPUs one model replica needs.", DefaultValueFactory = _ => 1 };
        public Option<decimal?> HoursPerDay { get; } = Amount("--hours-per-day", "Self-hosted: hours a day the GPUs are paid for (default 24: reserved, 24 × 365 hours a year).");
        public Option<decimal?> TokensPerSecond { get; } = Amount("--gpu-tokens-per-second", "Self-hosted: throughput of one GPU in tokens a second; more volume than a set serves needs more sets.");
        public Option<decimal?> Utilisation { get; } = Amount("--utilisation", "Self-hosted: share of the throughput reached in practice, more than 0 and at most 1 (default 1; e.g. 0.6 or 60%).");
        public Option<decimal?> SelfMonthly { get; } = Amount("--self-monthly", "Self-hosted: a fixed monthly cost per set instead of --gpu-hour (e.g. 15k).");
        public Option<decimal?> ApiFineTuning { get; } = Amount("--api-fine-tuning", "Fine-tuning a year with the API (e.g. 200k).");
        public Option<decimal?> ApiEngineering { get; } = Amount("--api-engineering", "Engineering a year with the API (e.g. 50k).");
        public Option<decimal?> SelfFineTuning { get; } = Amount("--self-fine-tuning", "Fine-tuning a year when self-hosting (e.g. 50k).");
        public Option<decimal?> SelfEngineering { get; } = Amount("--self-engineering", "Engineering a year when self-hosting (e.g. 300k).");
        public Option<string?> Chart { get; } = new("--chart") { Description = "Also write the chart of cost against daily volume as an SVG file (e.g. tco.svg)." };
        public Option<decimal?> ChartMax { get; } = Amount("--chart-max", "The chart's widest daily volume in tokens (default: twice the break-even or the volume).");
        public Option<bool> FromTraffic { get; } = new("--from-traffic") { Description = "Project next month (30 days) from the request log: all-API, all-self-hosted and the hybrid as configured." };
        public Option<string?> Db { get; } = new("--db") { Description = "With --from-traffic: the SQLite database that holds the request log (default: the configuration's storage:)." };
        public Option<string?> Since { get; } = CliOptions.Time("--since", "With --from-traffic: the window to average, from", time);
        public Option<string> Config { get; } = CliOptions.Config();

        /// <summary>The clock <c>--since</c> counts back from.</summary>
        public TimeProvider Time => time;

        public void AddTo(Command command)
        {
            Option[] all =
            [
                ApiPrice, ApiPriceIn, ApiPriceOut, TokensPerDay, CallsPerMonth, TokensPerCall, InputShare,
                GpuHour, Gpus, HoursPerDay, TokensPerSecond, Utilisation, SelfMonthly,
                ApiFineTuning, ApiEngineering, SelfFineTuning, SelfEngineering, Chart, ChartMax, FromTraffic, Db, Since, Config,
            ];
            foreach (var option in all)
            {
                command.Options.Add(option);
            }
        }

        /// <summary>The --since value, 7 days back when not given.</summary>
        public DateTimeOffset SinceValue(ParseResult pr) => CliOptions.TimeValue(pr, Since, time) ?? time.GetUtcNow().AddDays(-7);

        public ApiPricing? Pricing(ParseResult pr, List<string> errors)
        {
            var blended = pr.GetValue(ApiPrice);
            var input = pr.GetValue(ApiPriceIn);
            var output = pr.GetValue(ApiPriceOut);
            if (blended is { } price)
            {
                if (input is not null || output is not null)
                {
                    errors.Add("--api-price is one price for every token: give it, or --api-price-in and --api-price-out, not both.");
                    return null;
                }

                return ApiPricing.Blended(price);
            }

            if (input is { } perInput && output is { } perOutput)
            {
                return new ApiPricing(perInput, perOutput);
            }

            errors.Add(input is null && output is null
                ? "Give the API price: --api-price 5 ($ per million tokens), or --api-price-in 30 --api-price-out 60."
                : $"{(input is null ? "--api-price-in" : "--api-price-out")} is missing: separate prices need both --api-price-in and --api-price-out (or one --api-price).");
            return null;
        }

        public SelfHostedCost? SelfHosted(ParseResult pr, List<string> errors)
        {
            var count = errors.Count;
            var hourly = pr.GetValue(GpuHour);
            var monthly = pr.GetValue(SelfMonthly);
            var gpus = pr.GetValue(Gpus);
            var hours = pr.GetValue(HoursPerDay) ?? DefaultHoursPerDay;
            var throughput = pr.GetValue(TokensPerSecond);
            var utilisation = pr.GetValue(Utilisation) ?? DefaultUtilisation;
            if (hourly is null && monthly is null)
            {
                errors.Add("Give the self-hosted cost: --gpu-hour 2.5 (price of a GPU-hour) or --self-monthly 15k (a fixed monthly cost).");
            }
            else if (hourly is not null && monthly is not null)
            {
                errors.Add("--gpu-hour and --self-monthly both price the GPUs: give one of them.");
            }

            if (gpus < 1)
            {
                errors.Add($"--gpus must be at least 1; it is {gpus}.");
            }

            if (hours is <= 0 or > 24)
            {
                errors.Add($"--hours-per-day must be more than 0 and at most 24; it is {hours}.");
            }

            if (monthly is not null && pr.GetResult(HoursPerDay) is not null)
            {
                errors.Add("--hours-per-day prices GPU-hours: it goes with --gpu-hour, not --self-monthly.");
            }

            if (throughput is <= 0)
            {
                errors.Add("--gpu-tokens-per-second must be more than 0 (e.g. 2500).");
            }

            if (utilisation is <= 0 or > 1)
            {
                errors.Add($"--utilisation must be more than 0 and at most 1 (e.g. 0.6 or 60%); it is {utilisation}.");
            }

            if (errors.Count > count)
            {
                return null;
            }

            if (hourly is { } price)
            {
                return SelfHostedCost.Gpus(price, gpus, hours, throughput, utilisation);
            }

            return SelfHostedCost.FixedMonthly(monthly!.Value, SelfHostedCost.Capacity(gpus, DefaultHoursPerDay, throughput, utilisation)) with { GpusPerSet = gpus };
        }

        public TokenVolume? Volume(ParseResult pr, ApiPricing? pricing, List<string> errors)
        {
            var perDay = pr.GetValue(TokensPerDay);
            var calls = pr.GetValue(CallsPerMonth);
            var perCall = pr.GetValue(TokensPerCall);
            var share = pr.GetValue(InputShare);
            if (share is > 1)
            {
                errors.Add($"--input-share is a fraction of the tokens, at most 1 (e.g. 0.75 or 75%); it is {share}.");
                return null;
            }

            if (perDay is not null && (calls is not null || perCall is not null))
            {
                errors.Add("Give the volume one way: --tokens-per-day, or --calls-per-month with --tokens-per-call.");
                return null;
            }

            if ((calls is null) != (perCall is null))
            {
                errors.Add(calls is null
                    ? "--tokens-per-call needs --calls-per-month (e.g. --calls-per-month 10M --tokens-per-call 400)."
                    : "--calls-per-month needs --tokens-per-call, the input and output tokens of one call (e.g. 400).");
                return null;
            }

            if (perDay is null && calls is null)
            {
                return null;
            }

            if (share is null && pricing is { IsBlended: false })
            {
                errors.Add("Separate input and output prices need the mix: add --input-share, the fraction of the tokens that are input (e.g. 0.75 for 300 in and 100 out), or give one --api-price.");
                return null;
            }

            var inputShare = share ?? 1;
            return perDay is { } tokens
                ? TokenVolume.PerDay(tokens, inputShare)
                : TokenVolume.FromCalls(calls!.Value, perCall!.Value, inputShare);
        }

        /// <summary>--from-traffic reads the volume from the log: volume options would be silently ignored, so they are refused.</summary>
        public void RefuseVolume(ParseResult pr, List<string> errors)
        {
            foreach (var option in new[] { TokensPerDay, CallsPerMonth, TokensPerCall, InputShare })
            {
                if (pr.GetResult(option) is not null)
                {
                    errors.Add($"{option.Name} gives a volume, and --from-traffic takes the volume from the request log: drop one of them.");
                }
            }
        }
    }
}
