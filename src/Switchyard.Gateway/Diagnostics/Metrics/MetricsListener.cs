using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Internal;

namespace Switchyard.Gateway.Diagnostics.Metrics;

/// <summary>
/// The metrics on an address of their own (<c>metrics.listen</c>): a second, minimal Kestrel that serves the metrics
/// path and nothing else, so that the port Prometheus scrapes exposes no model API, and the API's port no metrics.
/// </summary>
internal sealed class MetricsListener : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MetricsListener(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The address it listens on, with its real port.</summary>
    public Uri Url { get; }

    public static async Task<MetricsListener> StartAsync(string listen, GatewayMetrics metrics, GatewayRuntime runtime, Func<int> inFlight, Func<KeyAuthenticator> authenticator, string? bootstrapKey, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Switchyard.Metrics" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(listen);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // A scrape is a bodiless GET: nothing bigger is read.
            kestrel.Limits.MaxRequestBodySize = 0;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
        });
        var app = builder.Build();
        app.MapMetricsEndpoint(metrics, runtime, inFlight, authenticator, bootstrapKey);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MetricsListener(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
