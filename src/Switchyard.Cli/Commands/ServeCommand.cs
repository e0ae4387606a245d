using System.CommandLine;
using Switchyard.Gateway;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Cli.Commands;

/// <summary><c>switchyard serve</c>: serves a configuration file until stopped.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var urls = CliOptions.Urls();
        var command = new Command("serve", "Serve the OpenAI-compatible gateway described by a configuration file.") { config, urls };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var path = parseResult.GetValue(config)!;
            var loaded = ConfigLoader.Load(path);
            if (!loaded.Succeeded)
            {
                await error.WriteLineAsync($"{path} has {loaded.Errors.Length} error(s); the gateway did not start:");
                foreach (var e in loaded.Errors)
                {
                    await error.WriteLineAsync("  " + e);
                }

                return 2;
            }

            GatewayHost host;
            try
            {
                host = await GatewayHost.StartAsync(loaded.Config!, new GatewayHostOptions { Urls = parseResult.GetValue(urls), ConsoleLogging = true }, cancellationToken);
            }
            catch (IOException e)
            {
                await error.WriteLineAsync($"The gateway could not start: {e.Message}");
                await error.WriteLineAsync("Is another process using the address? Choose another with --urls or server.listen.");
                return 1;
            }

            await using (host)
            {
                await output.WriteLineAsync($"Switchyard serving {path} at {host.BaseAddress} (OpenAI base URL: {host.BaseAddress}v1). Ctrl-C to stop.");
                try
                {
                    await host.WaitForShutdownAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl-C: fall through to a graceful stop.
                }
            }

            return 0;
        });
        return command;
    }
}
