using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Simulator.Configuration;
using Switchyard.Simulator.Internal;

namespace Switchyard.Simulator;

/// <summary>
/// A simulated OpenAI-compatible model server on a real Kestrel socket: <c>/v1/chat/completions</c> (streaming too),
/// <c>/v1/completions</c>, <c>/v1/embeddings</c>, <c>/v1/models</c>, <c>/health</c> and <c>/sim/stats</c>, with realistic
/// timing, deterministic answers of model-dependent quality, and faults on demand. Dispose it to stop it.
/// </summary>
/// <example>
/// <code>
/// await using var sim = await SimulatorHost.StartAsync(SimulatorOptions.Open());
/// var client = new HttpClient { BaseAddress = sim.BaseAddress };
/// // POST v1/chat/completions ...
/// </code>
/// </example>
public sealed class SimulatorHost : IAsyncDisposable
{
    /// <summary>How long a stop waits for requests in flight; stalled ones are aborted at once, so this is rarely reached.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private readonly ILogger _logger;
    private int _disposed;

    private SimulatorHost(WebApplication app, CancellationTokenSource stopping, SimulatorOptions options, SimulatorStats stats, Uri baseAddress, ILogger logger)
    {
        _app = app;
        _stopping = stopping;
        Options = options;
        Stats = stats;
        BaseAddress = baseAddress;
        _logger = logger;
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:40123/</c>, with the real port; the API is under <c>v1/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The OpenAI API root, <see cref="BaseAddress"/> + <c>v1/</c>: what an OpenAI SDK takes as its endpoint.</summary>
    public Uri ApiBaseAddress => new(BaseAddress, "v1/");

    /// <summary>Live counters.</summary>
    public SimulatorStats Stats { get; }

    /// <summary>The options the host runs with.</summary>
    public SimulatorOptions Options { get; }

    /// <summary>Validates <paramref name="options"/>, binds Kestrel and starts serving.</summary>
    /// <exception cref="SimulatorConfigException">The options are invalid (every problem is listed).</exception>
    /// <exception cref="IOException">The address could not be bound (for example, the port is in use).</exception>
    public static async Task<SimulatorHost> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = SimulatorOptionsValidator.Validate(options);
        if (errors.Count > 0)
        {
            throw new SimulatorConfigException(errors.Select(e => $"{e.Key}: {e.Message}"));
        }

        var config = new SimulatorConfig(options);
        var time = options.TimeProvider ?? TimeProvider.System;
        var stats = new SimulatorStats();
        ILoggerFactory loggerFactory = options.LoggerFactory is { } given ? new CutFilteringLoggerFactory(given) : NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("Switchyard.Simulator");
        var seed = options.Seed is { } s ? (ulong)s : (ulong)Random.Shared.NextInt64();
        var stopping = new CancellationTokenSource();

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(ResolveEndpoint(options.Host, options.Port));
        });

        var app = builder.Build();
        var handler = new SimulatorRequestHandler(config, stats, time, new SharedRandom(seed), logger, stopping.Token);
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            stopping.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseAddress = ClientAddress(options.Host, new Uri(address).Port);
        SimulatorLog.Started(logger, baseAddress, string.Join(", ", config.Models.Select(m => m.Name)));
        return new SimulatorHost(app, stopping, options, stats, baseAddress, logger);
    }

    /// <summary>Stops serving: requests that are waiting (stalls, slow answers) are aborted, the socket is closed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
            _stopping.Dispose();
            SimulatorLog.Stopped(_logger, BaseAddress);
        }
    }

    private static IPEndPoint ResolveEndpoint(string host, int port)
    {
        if (host is "localhost")
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        if (host is "*" or "+")
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        var resolved = Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            ?? throw new SimulatorConfigException($"host: cannot resolve '{host}' to an IP address.");
        return new IPEndPoint(resolved, port);
    }

    /// <summary>The address a client on this machine uses: a wildcard bind is reached through loopback.</summary>
    private static Uri ClientAddress(string host, int port)
    {
        var clientHost = host switch
        {
            "*" or "+" or "0.0.0.0" or "localhost" => "127.0.0.1",
            "::" or "[::]" => "[::1]",
            _ when IPAddress.TryParse(host, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 => $"[{ip}]",
            _ => host,
        };
        return new Uri($"http://{clientHost}:{port}/");
    }
}
