using Microsoft.Playwright;

namespace Switchyard.Dashboard.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright. Never downloads a browser: it runs <c>/usr/bin/chromium</c> (or
/// <c>SWITCHYARD_CHROMIUM</c>), which the README's test command (<c>scripts/test.sh</c>) installs. A missing browser fails
/// the tests saying so, unless <c>SWITCHYARD_SKIP_BROWSER_TESTS=1</c> opts out on a machine without one.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string OptOutVariable = "SWITCHYARD_SKIP_BROWSER_TESTS";

    public const string PathVariable = "SWITCHYARD_CHROMIUM";

    private IPlaywright? _playwright;

    /// <summary>The browser, or <see langword="null"/> when the tests were opted out.</summary>
    public IBrowser? Chromium { get; private set; }

    /// <summary>Why there is no browser (opted out), for the test's output.</summary>
    public static string OptedOut => $"{OptOutVariable}=1: the browser tests did not run.";

    public static bool IsOptedOut => Environment.GetEnvironmentVariable(OptOutVariable) == "1";

    /// <summary>Where screenshots go: the test run's artifacts folder next to the test assembly.</summary>
    public static string ArtifactsDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard");

    public async Task InitializeAsync()
    {
        if (IsOptedOut)
        {
            return;
        }

        var executable = Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"The dashboard's browser tests need Chromium at {executable}, and there is none. Run the README's test command " +
                $"(scripts/test.sh installs it: apt-get install -y chromium), or set {PathVariable} to a Chromium, or set {OptOutVariable}=1 to leave these tests out on this machine.");
        }

        // Playwright would fetch its own browsers only if asked to install them; say so anyway, for any tool it starts.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true });
    }

    /// <summary>A fresh context (its own session storage) with a 1280×800 window, recording the page's errors.</summary>
    public async Task<(IPage Page, List<string> Errors)> OpenAsync()
    {
        var context = await Chromium!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        return (page, errors);
    }

    /// <summary>Saves a screenshot of the whole page under <see cref="ArtifactsDirectory"/>; returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        var path = Path.Combine(ArtifactsDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
