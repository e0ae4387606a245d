using System.Collections.Immutable;
using System.Globalization;
using Switchyard.Bench.Net;
using Switchyard.Bench.Processes;

namespace Switchyard.Bench.Targets;

/// <summary>
/// Starts each target in front of the running upstream, on its own free loopback port and, when pinning, on the
/// target core; each gets its own folder for configuration, logs and state.
/// </summary>
/// <param name="options">The run's options (paths of the peers).</param>
/// <param name="serveExecutable">The switchyard executable to run <c>serve</c> with (a link to the built one).</param>
/// <param name="scratchDirectory">Where each target gets its folder.</param>
/// <param name="upstreamPort">The running upstream's port on 127.0.0.1.</param>
/// <param name="targetCore">The core targets are pinned to, or null.</param>
internal sealed class TargetLauncher(BenchOptions options, string serveExecutable, string scratchDirectory, int upstreamPort, int? targetCore)
{
    /// <summary>Portkey's entry point inside <c>bench/peers</c>.</summary>
    public const string PortkeyServer = "node_modules/@portkey-ai/gateway/build/start-server.js";

    private Uri UpstreamBase => new($"http://127.0.0.1:{upstreamPort}/v1");

    /// <summary>The upstream itself; it is measured but not stopped here.</summary>
    public static RunningTarget Direct(ChildProcess upstream, int port)
        => new(TargetKind.Direct, new TargetEndpoint(ChatCompletions(port), "bench-model", []), upstream.Id, Owned: null, [upstream.LogPath]);

    public Task<RunningTarget> StartAsync(TargetKind kind, CancellationToken cancellationToken) => kind switch
    {
        TargetKind.Switchyard => StartSwitchyardAsync(tiered: false, cancellationToken),
        TargetKind.SwitchyardTiered => StartSwitchyardAsync(tiered: true, cancellationToken),
        TargetKind.Nginx => StartNginxAsync(cancellationToken),
        TargetKind.Portkey => StartPortkeyAsync(cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "The upstream is started by the runner."),
    };

    private async Task<RunningTarget> StartSwitchyardAsync(bool tiered, CancellationToken cancellationToken)
    {
        if (!File.Exists(options.SwitchyardPath))
        {
            throw new InvalidOperationException($"{options.SwitchyardPath} does not exist: build it with `dotnet build -c Release src/Switchyard.Cli` (bench/run.sh does).");
        }

        var dir = Directory.CreateDirectory(Path.Combine(scratchDirectory, tiered ? "gateway-tiered" : "gateway")).FullName;
        var port = FreePort.Next();
        var config = Path.Combine(dir, "gateway.yaml");
        // The tiered configuration sends the benchmark's request down the same single upstream, but through every rule:
        // a route tag that selects nothing, the content classifier and the personal-data detector over the prompt, a
        // specialist tier it skips, a two-deployment latency-balanced tier (both on the same upstream), and a frontier
        // tier behind it. The difference between the two Switchyard rows is what tiers and rules cost.
        var routes = tiered
            ? $$"""
                deployments:
                  sim-model: { provider: sim, model: bench-model, context_window: 8192, hosting: self-hosted }
                  sim-replica: { provider: sim, model: bench-model, context_window: 8192, hosting: self-hosted }
                  sim-coder: { provider: sim, model: bench-model, context_window: 8192, hosting: self-hosted }
                  sim-frontier: { provider: sim, model: bench-model, context_window: 128000, hosting: external }
                routes:
                  bench:
                    tags: [bench]
                    classify: true
                    detect_pii: true
                    tiers:
                      - { name: code, when: [code], deployments: [sim-coder] }
                      - { name: open, balance: latency, deployments: [sim-model, sim-replica] }
                      - { name: frontier, deployments: [sim-frontier] }
                """
            : """
                deployments:
                  sim-model: { provider: sim, model: bench-model, context_window: 8192, hosting: self-hosted }
                routes:
                  bench: { deployments: [sim-model] }
                """;
        await File.WriteAllTextAsync(config, $$"""
            server: { listen: http://127.0.0.1:{{port}} }
            storage: { kind: sqlite, path: {{Path.Combine(dir, "bench.db")}} }
            request_log: { enabled: true }
            auth: { keys: off }
            registry: { enforce: off }    # the simulator serves no registered model: the benchmark measures the proxy
            providers:
              sim: { kind: openai, base_url: {{UpstreamBase}} }
            {{routes}}

            """, cancellationToken);

        // The built executable itself, not `dotnet run`: the measured PID must be the server's.
        var process = ChildProcess.Start(
            "switchyard serve", serveExecutable, ["serve", "--config", config, "--urls", $"http://127.0.0.1:{port}"],
            Path.Combine(dir, "serve.log"), targetCore, dir);
        var endpoint = new TargetEndpoint(ChatCompletions(port), "bench", []);
        return await ReadyAsync(tiered ? TargetKind.SwitchyardTiered : TargetKind.Switchyard, process, endpoint, [process.LogPath], cancellationToken);
    }

    private async Task<RunningTarget> StartNginxAsync(CancellationToken cancellationToken)
    {
        var nginx = Tool.Find("nginx") ?? throw new InvalidOperationException("nginx is not installed: `apt-get install -y nginx-light` (bench/run.sh does).");
        var dir = Directory.CreateDirectory(Path.Combine(scratchDirectory, "nginx")).FullName;
        var port = FreePort.Next();
        var config = Path.Combine(dir, "nginx.conf");
        await File.WriteAllTextAsync(config, NginxConfig(dir, port), cancellationToken);
        var process = ChildProcess.Start(
            "nginx", nginx, ["-p", dir + "/", "-c", config, "-e", Path.Combine(dir, "error.log")],
            Path.Combine(dir, "stderr.log"), targetCore, dir);
        var target = await ReadyAsync(
            TargetKind.Nginx, process, new TargetEndpoint(ChatCompletions(port), "bench-model", []), [process.LogPath, Path.Combine(dir, "error.log")], cancellationToken);

        // Memory and CPU are the worker's: the master only supervises.
        var workers = ProcStats.Children(process.Id);
        if (workers.Count != 1)
        {
            await target.DisposeAsync();
            throw new InvalidOperationException($"nginx should run exactly one worker but has {workers.Count}.");
        }

        return target with { MeasuredPid = workers[0] };
    }

    private async Task<RunningTarget> StartPortkeyAsync(CancellationToken cancellationToken)
    {
        var node = Tool.Find("node") ?? throw new InvalidOperationException("node is not installed (Node 20 is expected on this machine).");
        var peers = options.PeersDirectory;
        if (!File.Exists(Path.Combine(peers, PortkeyServer)))
        {
            throw new InvalidOperationException($"Portkey is not installed in {peers}: run `npm ci --ignore-scripts` there (bench/run.sh does).");
        }

        var dir = Directory.CreateDirectory(Path.Combine(scratchDirectory, "portkey")).FullName;
        var port = FreePort.Next();
        // COMPAT: two preloads, both explained in their files: loopback.mjs keeps Portkey on 127.0.0.1 (it listens on
        // every interface otherwise); stream-headers.mjs works around its HTTP 500 on every streaming request.
        var process = ChildProcess.Start(
            "portkey",
            node,
            [
                "--import", Path.Combine(peers, "loopback.mjs"),
                "--import", Path.Combine(peers, "stream-headers.mjs"),
                Path.Combine(peers, PortkeyServer), $"--port={port}", "--headless",
            ],
            Path.Combine(dir, "portkey.log"), targetCore, peers);
        ImmutableArray<KeyValuePair<string, string>> headers =
        [
            KeyValuePair.Create("x-portkey-provider", "openai"),
            KeyValuePair.Create("x-portkey-custom-host", UpstreamBase.ToString()),
        ];
        return await ReadyAsync(TargetKind.Portkey, process, new TargetEndpoint(ChatCompletions(port), "bench-model", headers), [process.LogPath], cancellationToken);
    }

    private static async Task<RunningTarget> ReadyAsync(
        TargetKind kind, ChildProcess process, TargetEndpoint endpoint, ImmutableArray<string> logs, CancellationToken cancellationToken)
    {
        try
        {
            await ReadinessProbe.WaitAsync(process, endpoint, cancellationToken);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return new RunningTarget(kind, endpoint, process.Id, process, logs);
    }

    private static Uri ChatCompletions(int port) => new($"http://127.0.0.1:{port}/v1/chat/completions");

    /// <summary>
    /// nginx as perf-baseline.md ran it: one worker, keep-alive to the upstream (HTTP/1.1, empty Connection header), its
    /// own prefix. The access log is on but buffered, since Switchyard records every request too.
    /// </summary>
    private string NginxConfig(string dir, int port)
    {
        // As root, nginx drops its worker to `user`; Debian has no `nobody` group, so name one that exists.
        var user = ProcStats.EffectiveUid() == 0 ? "user nobody nogroup;\n" : "";
        return string.Create(CultureInfo.InvariantCulture, $$"""
            {{user}}worker_processes 1;
            daemon off;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/error.log warn;
            events { worker_connections 1024; }
            http {
              access_log {{dir}}/access.log combined buffer=64k flush=1s;
              client_body_temp_path {{dir}}/client_body;
              proxy_temp_path {{dir}}/proxy;
              fastcgi_temp_path {{dir}}/fastcgi;
              uwsgi_temp_path {{dir}}/uwsgi;
              scgi_temp_path {{dir}}/scgi;
              upstream switchyard_bench_upstream {
                server 127.0.0.1:{{upstreamPort}};
                keepalive 128;
              }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://switchyard_bench_upstream;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                }
              }
            }

            """);
    }
}
