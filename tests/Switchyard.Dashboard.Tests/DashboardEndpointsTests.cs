using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchyard.Dashboard.Tests;

/// <summary>The dashboard's files as Kestrel serves them (no browser): paths, headers, caching, and what the build embedded.</summary>
public sealed class DashboardEndpointsTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapDashboard();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Get_UiWithoutSlash_RedirectsToTheSlash()
    {
        using var response = await _client.GetAsync("ui");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ui/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Get_Page_IsServedWithHeadersThatKeepScriptsAndTheKeyOnThisOrigin()
    {
        using var response = await _client.GetAsync("ui/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("<title>Switchyard dashboard</title>", html, StringComparison.Ordinal);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Get_EveryFile_LinksOnlyToTheGatewayItself()
    {
        var assets = DashboardAssets.Load();
        var own = assets.Paths.Where(p => !p.StartsWith("vendor/", StringComparison.Ordinal)).ToArray();
        Assert.Contains("index.html", own);
        Assert.Contains("js/app.js", own);

        foreach (var path in own)
        {
            using var response = await _client.GetAsync("ui/" + path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            // No CDN, no absolute URL of any kind: the dashboard works with no internet.
            Assert.DoesNotMatch(new Regex("https?://|[\"'(]//", RegexOptions.None, TimeSpan.FromSeconds(1)), text.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Get_ChartLibrary_IsThePinnedPackagesBuild()
    {
        using var lockFile = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(SourceDirectory(), "package-lock.json")));
        var pinned = lockFile.RootElement.GetProperty("packages").GetProperty("node_modules/chart.js").GetProperty("version").GetString();

        using var response = await _client.GetAsync("ui/vendor/chart.umd.min.js");
        var script = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.StartsWith($"/*!\n * Chart.js v{pinned}\n", script, StringComparison.Ordinal);
        Assert.Contains("Released under the MIT License", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WithTheFilesEntityTag_AnswersNotModified()
    {
        using var first = await _client.GetAsync("ui/js/app.js");
        var tag = first.Headers.ETag!;
        using var request = new HttpRequestMessage(HttpMethod.Get, "ui/js/app.js");
        request.Headers.IfNoneMatch.Add(tag);

        using var second = await _client.SendAsync(request);

        Assert.Equal("no-cache", first.Headers.CacheControl!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_UnknownFile_IsNotFound_AndSaysWhereTheDashboardIs()
    {
        using var response = await _client.GetAsync("ui/admin.html");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("There is no admin.html in the dashboard; open /ui/.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Head_Page_AnswersWithoutABody()
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "ui/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>src/Switchyard.Dashboard, found from the test assembly's folder upwards.</summary>
    private static string SourceDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Switchyard.Dashboard");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("src/Switchyard.Dashboard is not above " + AppContext.BaseDirectory);
    }
}
