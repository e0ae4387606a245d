using System.CommandLine;
using Switchyard.Cli.Internal;
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

            if (!loaded.Config!.Auth.Explicit)
            {
                // serve requires keys unless the configuration says otherwise: it must say which, never default to open.
                await error.WriteLineAsync($"{path}: auth: switchyard serve needs to know whether requests need keys; the gateway did not start.");
                await error.WriteLineAsync("  Add `auth: { keys: required }` and create keys with `switchyard keys create --team TEAM`,");
                await error.WriteLineAsync("  or `auth: { keys: off }` to serve without keys (anyone who reaches the port may use and spend).");
                return 2;
            }

            if (loaded.Config.Auth.Keys == AuthMode.Off)
            {
                await error.WriteLineAsync("WARNING: auth.keys is off: every request is served without a key. Anyone who reaches the port may use every route and spend its budget.");
            }

            // PERF: on SQLite nothing on the request path blocks, so socket completions run inline (decision 0004); on
            // PostgreSQL they stay on the thread pool (Internal/InlineCompletions says why). No socket is made before this.
            if (loaded.Config.Storage.Kind != StorageKind.Postgres)
            {
                InlineCompletions.TurnOn();
            }
            else if (InlineCompletions.ForcedOn)
            {
                // The operator's setting wins, but it can stall this gateway (InlineCompletions says how): say so.
                await error.WriteLineAsync($"WARNING: {InlineCompletions.Variable}=1 with storage: postgres can stall requests (a blocking database call on a socket thread); unset it (docs/decisions/0004).");
            }

            GatewayHost host;
            try
            {
                host = await GatewayHost.StartAsync(loaded.Config!, new GatewayHostOptions { Urls = parseResult.GetValue(urls), ConsoleLogging = true }, cancellationToken);
            }
            catch (ConfigException e)
            {
                await error.WriteLineAsync($"{path} has {e.Errors.Length} error(s) against the model registry; the gateway did not start:");
                foreach (var problem in e.Errors)
                {
                    await error.WriteLineAsync("  " + problem);
                }

                return 2;
            }
            catch (Exception e) when (e is Storage.Sqlite.SqliteSchemaException or Storage.Postgres.PostgresSchemaException)
            {
                await error.WriteLineAsync($"{e.Message} The gateway did not start.");
                return 2;
            }
            catch (System.Data.Common.DbException e)
            {
                await error.WriteLineAsync($"The gateway could not open {Storage.Stores.Describe(loaded.Config.Storage.ToOptions())}: {e.Message}");
                await error.WriteLineAsync("Check storage: in the configuration, and that the database is up and reachable from here; the gateway did not start.");
                return 1;
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
                await output.WriteLineAsync($"Dashboard: {host.BaseAddress}ui/ (sign in with an admin, operator or auditor key).");
                if (host.MetricsUrl is { } metrics)
                {
                    var key = loaded.Config.Metrics.KeyRequired(loaded.Config.Auth) ? " (needs an admin, operator or auditor key)" : "";
                    await output.WriteLineAsync($"Metrics (Prometheus): {metrics}{key}");
                }

                if (loaded.Config.Telemetry.Otlp is { } otlp)
                {
                    await output.WriteLineAsync($"Traces (OpenTelemetry, {(otlp.Protocol == OtlpProtocol.Grpc ? "grpc" : "http/protobuf")}): {otlp.TracesUrl}, sampling {loaded.Config.Telemetry.SampleRatio:P0} of new traces");
                }

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
