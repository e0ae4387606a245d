using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Switchyard.Cli.Internal;
using Switchyard.Simulator;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard simulate</c>: runs the simulated OpenAI-compatible provider (a built-in profile or a YAML file) until
/// Ctrl-C, so a gateway, a demo or a benchmark has a model server without model weights.
/// </summary>
internal static class SimulateCommand
{
    private const int DefaultPort = 9001;

    public static Command Create()
    {
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on (0.0.0.0 for every interface).",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var port = new Option<int>("--port")
        {
            Description = "TCP port; 0 picks a free one.",
            DefaultValueFactory = _ => DefaultPort,
        };
        var profile = new Option<string>("--profile")
        {
            Description = "Built-in models: open (llama-3.1-8b-instruct), frontier (gpt-4o), instant (for benchmarks) or mixed (open and frontier).",
            DefaultValueFactory = _ => "open",
        };
        profile.AcceptOnlyFromAmong([.. SimulatorOptions.ProfileNames]);
        var config = new Option<FileInfo?>("--config")
        {
            Description = "A simulator YAML file (format in src/Switchyard.Simulator/README.md); replaces --profile. --host and --port, when given, override it.",
        };
        var seed = new Option<int?>("--seed")
        {
            Description = "Seed for timing jitter and random faults, for reproducible runs.",
        };
        var verbose = new Option<bool>("--verbose")
        {
            Description = "Log every injected fault and client disconnect.",
        };

        var command = new Command("simulate", "Run a simulated OpenAI-compatible model server (latency, streaming, answer quality, faults) until Ctrl-C.")
        {
            host, port, profile, config, seed, verbose,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            // PERF: socket completions inline (the simulator never blocks a request: Internal/InlineCompletions), before the first socket.
            InlineCompletions.TurnOn();
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            SimulatorOptions options;
            try
            {
                options = parseResult.GetValue(config) is { } file
                    ? SimulatorOptions.LoadYaml(file.FullName)
                    : SimulatorOptions.ForProfile(parseResult.GetValue(profile)!);
            }
            catch (SimulatorConfigException e)
            {
                await error.WriteLineAsync($"The simulator configuration has {e.Errors.Length} error(s):");
                foreach (var line in e.Errors)
                {
                    await error.WriteLineAsync("  " + line);
                }

                return 2;
            }

            // A file's host and port stand unless the flags are given explicitly; without a file the flags' defaults apply.
            var fromFile = parseResult.GetValue(config) is not null;
            if (!fromFile || parseResult.GetResult(host) is { Implicit: false })
            {
                options = options with { Host = parseResult.GetValue(host)! };
            }

            if (!fromFile || parseResult.GetResult(port) is { Implicit: false })
            {
                options = options with { Port = parseResult.GetValue(port) };
            }

            if (parseResult.GetValue(seed) is { } s)
            {
                options = options with { Seed = s };
            }

            using var loggerFactory = LoggerFactory.Create(logging => logging
                .AddSimpleConsole(o => o.SingleLine = true)
                .SetMinimumLevel(LogLevel.Warning)
                .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None)
                .AddFilter("Switchyard", parseResult.GetValue(verbose) ? LogLevel.Debug : LogLevel.Warning));
            options = options with { LoggerFactory = loggerFactory };

            SimulatorHost simulator;
            try
            {
                simulator = await SimulatorHost.StartAsync(options, cancellationToken);
            }
            catch (SimulatorConfigException e)
            {
                await error.WriteLineAsync(e.Message);
                return 2;
            }
            catch (IOException e)
            {
                await error.WriteLineAsync($"The simulator could not listen on {options.Host}:{options.Port}: {e.Message}");
                await error.WriteLineAsync("Is another process using the port? Choose another with --port (0 picks a free one).");
                return 1;
            }

            await using (simulator)
            {
                await output.WriteLineAsync($"Simulator listening at {simulator.BaseAddress} (OpenAI base URL: {simulator.ApiBaseAddress}). Ctrl-C to stop.");
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{"model",-26} {"first token",12} {"tokens/s",10} {"context",9}"));
                foreach (var model in options.Models)
                {
                    var speed = model.TokensPerSecond is 0 || double.IsPositiveInfinity(model.TokensPerSecond) ? "instant" : model.TokensPerSecond.ToString("0.#", CultureInfo.InvariantCulture);
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{model.Name,-26} {model.TimeToFirstToken.TotalMilliseconds,10:0} ms {speed,10} {model.ContextWindow,9}"));
                }

                await output.WriteLineAsync(options.AcceptAnyModel
                    ? $"Unknown model names get {options.Models[0].Name}'s behaviour. Faults: header x-sim-fault or model fault-NAME; stats at {simulator.BaseAddress}sim/stats."
                    : $"Unknown model names get 404 model_not_found. Faults: header x-sim-fault or model MODEL@fault-NAME; stats at {simulator.BaseAddress}sim/stats.");
                // Ctrl-C and SIGTERM stop the simulator gracefully here even when the invocation does not turn them into a
                // cancelled token: the handlers cancel the default termination so that the summary below gets printed.
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
                using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
                try
                {
                    await Task.Delay(Timeout.Infinite, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: report below.
                }

                void OnSignal(PosixSignalContext context)
                {
                    context.Cancel = true;
                    stop.Cancel();
                }

                var stats = simulator.Stats;
                await output.WriteLineAsync($"Stopped after {stats.Requests} request(s), {stats.FaultsInjected} fault(s) injected, {stats.RequestsAborted} aborted by clients.");
            }

            return 0;
        });
        return command;
    }
}
