using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Switchyard.Dashboard.Tests.Support;
using Xunit.Abstractions;

namespace Switchyard.Dashboard.Tests;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium through Playwright) against a real gateway and simulator: what it
/// shows must be what the admin API says at the same moment. Screenshots go to <see cref="ChromiumFixture.ArtifactsDirectory"/>.
/// </summary>
public sealed class DashboardBrowserTests(ChromiumFixture browser, ITestOutputHelper output) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private const string GeneralPrompt = "Tell me about the weather in Lyon in spring.";

    // The open model has no skill at medical questions: the quality gate escalates these to the frontier tier.
    private const string MedicalPrompt = "What dosage of ibuprofen is a safe treatment for these symptoms?";

    private DashboardGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await DashboardGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Dashboard_AfterTraffic_ShowsWhatTheAdminApiSays_AndUpdatesLive()
    {
        if (OptedOut())
        {
            return;
        }

        // Two teams; a failover (the first tier is down), escalations (medical questions), answers from both hostings.
        var sent = new List<(HttpStatusCode Status, string? Tier, bool Escalated, bool FailedOver)>();
        for (var i = 0; i < 6; i++)
        {
            sent.Add(await _gateway.ChatAsync(_gateway.SearchKey, $"{GeneralPrompt} ({i})"));
        }

        for (var i = 0; i < 3; i++)
        {
            sent.Add(await _gateway.ChatAsync(_gateway.SupportKey, $"{GeneralPrompt} ({i})"));
            sent.Add(await _gateway.ChatAsync(_gateway.SupportKey, $"{MedicalPrompt} ({i})"));
        }

        Assert.All(sent, s => Assert.Equal(HttpStatusCode.OK, s.Status));
        Assert.Contains(sent, s => s.FailedOver);
        Assert.Equal(3, sent.Count(s => s.Escalated));
        await _gateway.Gateway.FlushRequestLogAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var (page, errors) = await browser.OpenAsync();
        await page.GotoAsync(_gateway.DashboardUrl + "?refresh=1");
        await SignInAsync(page, _gateway.AuditorKey);
        await WaitForPollsAsync(page, 1);
        await AssertFiguresMatchTheAdminApiAsync(page, expectedRequests: sent.Count);
        var shot = await ChromiumFixture.ScreenshotAsync(page, "dashboard-after-traffic");
        output.WriteLine($"Screenshot: {shot}");

        // Accessible markup: every chart is an image with a name and a text description, every control has a label.
        Assert.Equal(0, await page.EvaluateAsync<int>("() => [...document.querySelectorAll('canvas')].filter(c => c.getAttribute('role') !== 'img' || !c.getAttribute('aria-label') || !document.getElementById(c.getAttribute('aria-describedby'))).length"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => [...document.querySelectorAll('input, select')].filter(e => !e.closest('label') && !document.querySelector(`label[for='${e.id}']`)).length"));

        // The charts are drawn from the same answer: the tier chart's series are the stats' tiers and add up to the requests.
        var stats = await _gateway.AdminAsync("admin/stats?since=5m");
        var tierLabels = await page.EvaluateAsync<string[]>("() => Chart.getChart('tiers-chart').data.datasets.map(d => d.label)");
        Assert.Equal(stats.GetProperty("tiers").EnumerateArray().Select(t => t.GetProperty("tier").GetString()!), tierLabels);
        Assert.Equal(["open", "frontier"], tierLabels);
        Assert.Equal(sent.Count, await page.EvaluateAsync<int>("() => Chart.getChart('tiers-chart').data.datasets.flatMap(d => d.data).reduce((a, p) => a + (p.y ?? 0), 0)"));
        var reasons = stats.GetProperty("escalation_reasons").EnumerateArray().ToArray();
        Assert.NotEmpty(reasons);
        Assert.Equal(reasons.Select(r => r.GetProperty("reason").GetString()!), await page.EvaluateAsync<string[]>("() => Chart.getChart('reasons-chart').data.labels"));
        Assert.Equal(reasons.Select(r => r.GetProperty("count").GetInt32()), await page.EvaluateAsync<int[]>("() => Chart.getChart('reasons-chart').data.datasets[0].data"));

        // Deployments: the circuit and health each row shows are the admin API's.
        foreach (var deployment in (await _gateway.AdminAsync("admin/deployments")).EnumerateArray())
        {
            var row = page.Locator($"#deployments-table tr[data-deployment='{deployment.GetProperty("name").GetString()}']");
            Assert.Equal(deployment.GetProperty("circuit").GetString(), await row.Locator("td").Nth(2).TextContentAsync());
            Assert.Equal(deployment.GetProperty("hosting").GetString(), await row.Locator("td").Nth(1).TextContentAsync());
        }

        // Budgets and the registry.
        var budgets = await page.Locator("#budgets-summary").TextContentAsync();
        foreach (var budget in (await _gateway.AdminAsync("admin/budgets")).EnumerateArray())
        {
            Assert.Contains($"{budget.GetProperty("name").GetString()}: {Usd(budget.GetProperty("spent_usd").GetDouble())} of {Usd(budget.GetProperty("limit_usd").GetDouble())}", budgets, StringComparison.Ordinal);
        }

        Assert.Equal(["approved", "rejected"], (await page.EvaluateAsync<string[]>("() => Chart.getChart('registry-chart').data.labels")).Order(StringComparer.Ordinal));
        Assert.Equal(2, await page.Locator("#registry-table tbody tr").CountAsync());

        // Filters: a team, then only its escalations; the rows are /admin/logs' with the same filters.
        await page.SelectOptionAsync("#filters select[name=team]", "support");
        await WaitForRowsAsync(page, "admin/logs?limit=25&team=support", expectedCount: 6);
        await page.CheckAsync("#filters input[name=escalated]");
        await WaitForRowsAsync(page, "admin/logs?limit=25&team=support&escalated=true", expectedCount: 3);
        Assert.All(await page.Locator("#requests-table tbody td.note").AllTextContentsAsync(), note => Assert.StartsWith("escalated from llama", note, StringComparison.Ordinal));
        output.WriteLine($"Screenshot: {await ChromiumFixture.ScreenshotAsync(page, "dashboard-filtered")}");
        await page.UncheckAsync("#filters input[name=escalated]");
        await page.SelectOptionAsync("#filters select[name=team]", "");

        // Live: new traffic shows up without a reload.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await _gateway.ChatAsync(_gateway.SearchKey, $"{GeneralPrompt} (more {i})")).Status);
        }

        await _gateway.Gateway.FlushRequestLogAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await WaitForPollsAsync(page, await PollsAsync(page) + 2);
        await AssertFiguresMatchTheAdminApiAsync(page, expectedRequests: sent.Count + 3);
        output.WriteLine($"Screenshot: {await ChromiumFixture.ScreenshotAsync(page, "dashboard-live")}");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Dashboard_WithoutAKey_ShowsNoDataAndAsksForOne()
    {
        if (OptedOut())
        {
            return;
        }

        Assert.Equal(HttpStatusCode.OK, (await _gateway.ChatAsync(_gateway.SearchKey, GeneralPrompt)).Status);
        var (page, errors) = await browser.OpenAsync();
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);

        await page.GotoAsync(_gateway.DashboardUrl.ToString());
        await page.Locator("#login").WaitForAsync();

        Assert.Equal("Sign in with an admin, operator or auditor key", await page.Locator("#login-title").TextContentAsync());
        Assert.True(await page.Locator("#key").IsVisibleAsync());
        Assert.False(await page.Locator("#dashboard").IsVisibleAsync());
        Assert.False(await page.Locator("#logout").IsVisibleAsync());
        Assert.Equal("Not signed in: no data is shown without a key", await page.Locator("#status").TextContentAsync());
        Assert.All(await page.Locator("[data-figure]").AllTextContentsAsync(), text => Assert.Equal("–", text));
        Assert.DoesNotContain(requested, url => url.Contains("/admin/", StringComparison.Ordinal));
        output.WriteLine($"Screenshot: {await ChromiumFixture.ScreenshotAsync(page, "dashboard-no-key")}");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Dashboard_ClientOrUnknownKey_IsRefusedWithAClearMessage_AndKeptNowhere()
    {
        if (OptedOut())
        {
            return;
        }

        var (page, _) = await browser.OpenAsync();
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);
        await page.GotoAsync(_gateway.DashboardUrl.ToString());

        await SignInAsync(page, _gateway.SearchKey);
        await Assertions.Expect(page.Locator("#login-error")).ToContainTextAsync("This is a client key (team search)");
        Assert.Contains("needs an admin, operator or auditor key", await page.Locator("#login-error").TextContentAsync(), StringComparison.Ordinal);
        Assert.False(await page.Locator("#dashboard").IsVisibleAsync());
        Assert.False(await page.Locator("#logout").IsVisibleAsync());
        Assert.Equal("", await page.InputValueAsync("#key"));
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('switchyard.dashboard.key')"));
        output.WriteLine($"Screenshot: {await ChromiumFixture.ScreenshotAsync(page, "dashboard-client-key")}");

        // The gateway refuses it too, whatever a page does.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "admin/stats"))
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _gateway.SearchKey);
            using var refused = await _gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        await SignInAsync(page, "sy_aaaaaaaaaa_" + new string('b', 43));
        await Assertions.Expect(page.Locator("#login-error")).ToHaveTextAsync("The gateway does not accept this key: it is unknown, revoked or expired (401).");
        Assert.False(await page.Locator("#dashboard").IsVisibleAsync());
        Assert.DoesNotContain(requested, url => url.Contains("/admin/", StringComparison.Ordinal) && !url.EndsWith("/admin/whoami", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dashboard_KeyTravelsOnlyInTheHeader_SignOutForgetsIt_AndARevokedKeyIsSignedOut()
    {
        if (OptedOut())
        {
            return;
        }

        var (page, errors) = await browser.OpenAsync();
        var admin = new List<IRequest>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/admin/", StringComparison.Ordinal))
            {
                lock (admin)
                {
                    admin.Add(request);
                }
            }
        };
        await page.GotoAsync(_gateway.DashboardUrl + "?refresh=1");
        var key = _gateway.CreateKey("ops", "operator");
        await SignInAsync(page, key);
        await WaitForPollsAsync(page, 1);

        Assert.Equal(key, await page.EvaluateAsync<string>("() => sessionStorage.getItem('switchyard.dashboard.key')"));
        Assert.Equal("", await page.EvaluateAsync<string>("() => document.cookie"));
        Assert.DoesNotContain(key, page.Url, StringComparison.Ordinal);
        IRequest[] seen;
        lock (admin)
        {
            seen = [.. admin];
        }

        Assert.NotEmpty(seen);
        Assert.All(seen, r => Assert.DoesNotContain(key, r.Url, StringComparison.Ordinal));
        Assert.All(seen, r => Assert.Equal("Bearer " + key, r.Headers["authorization"]));

        // A reload keeps the session (the tab's storage); signing out forgets the key and empties the page.
        await page.ReloadAsync();
        await page.Locator("#dashboard").WaitForAsync();
        await page.ClickAsync("#logout");
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('switchyard.dashboard.key')"));
        Assert.All(await page.Locator("[data-figure]").AllTextContentsAsync(), text => Assert.Equal("–", text));
        Assert.Equal(0, await page.Locator("#requests-table tbody tr").CountAsync());
        Assert.True(await page.Locator("#login").IsVisibleAsync());

        // A key revoked while the page polls: the next poll is refused and the page signs out, saying why.
        await SignInAsync(page, key);
        await WaitForPollsAsync(page, 1);
        var admins = _gateway.CreateKey("ops", "admin");
        using (var revoke = new HttpRequestMessage(HttpMethod.Delete, "admin/keys/" + key[..13]))
        {
            revoke.Headers.TryAddWithoutValidation("Authorization", "Bearer " + admins);
            Assert.Equal(HttpStatusCode.NoContent, (await _gateway.Client.SendAsync(revoke)).StatusCode);
        }

        await Assertions.Expect(page.Locator("#login-error")).ToContainTextAsync("The gateway refused the key (401)");
        Assert.False(await page.Locator("#dashboard").IsVisibleAsync());
        // The browser reports the refused poll (401) as a failed resource; nothing else may go wrong.
        Assert.All(errors, e => Assert.Contains("401", e, StringComparison.Ordinal));
    }

    /// <summary>The headline figures and the latest requests, read from the page, against the admin API read now.</summary>
    private async Task AssertFiguresMatchTheAdminApiAsync(IPage page, int expectedRequests)
    {
        var stats = await _gateway.AdminAsync("admin/stats?since=5m");
        var costs = (await _gateway.AdminAsync("admin/costs?days=1")).EnumerateArray().ToArray();
        var logs = (await _gateway.AdminAsync("admin/logs?limit=25")).EnumerateArray().ToArray();
        var all = (await _gateway.AdminAsync("admin/logs?limit=1000")).EnumerateArray().ToArray();
        var escalated = (await _gateway.AdminAsync("admin/logs?limit=1000&escalated=true")).GetArrayLength();
        var totals = stats.GetProperty("totals");

        // Requests: the page, the stats, the costs and what was sent.
        Assert.Equal(expectedRequests, totals.GetProperty("requests").GetInt32());
        Assert.Equal(expectedRequests, costs.Sum(r => r.GetProperty("requests").GetInt32()));
        Assert.Equal(expectedRequests, all.Length);
        await AssertFigureAsync(page, "requests", totals.GetProperty("requests").GetDouble(), Count);

        // Spend, all-frontier cost and savings: the page shows the stats' figures, which are /admin/costs' sums.
        foreach (var (figure, column) in new[] { ("spent_usd", "spent_usd"), ("baseline_cost_usd", "baseline_cost_usd"), ("saved_usd", "saved_usd") })
        {
            var value = totals.GetProperty(figure).GetDouble();
            Assert.Equal(costs.Sum(r => r.GetProperty(column).GetDouble()), value, 1e-12);
            await AssertFigureAsync(page, figure, value, Usd);
        }

        Assert.True(totals.GetProperty("saved_usd").GetDouble() > 0, "The open tier should have saved money against the frontier.");

        // The escalation rate: escalated answers over answers, as the log's rows count them.
        var answered = all.Count(e => e.GetProperty("status").GetInt32() is >= 200 and < 300);
        Assert.Equal((double)escalated / answered, totals.GetProperty("escalation_rate").GetDouble());
        await AssertFigureAsync(page, "escalation_rate", totals.GetProperty("escalation_rate").GetDouble(), Percent);
        await AssertFigureAsync(page, "open_share", totals.GetProperty("open_share").GetDouble(), Percent);
        await AssertFigureAsync(page, "errors", totals.GetProperty("errors").GetDouble(), Count);
        await AssertFigureAsync(page, "p95", totals.GetProperty("latency_ms").GetProperty("p95").GetDouble(), Milliseconds);

        // The latest requests: the same rows, in the same order, with the same statuses and teams.
        var rows = page.Locator("#requests-table tbody tr");
        Assert.Equal(logs.Select(e => e.GetProperty("request_id").GetString()), await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.requestId)"));
        Assert.Equal(logs.Select(e => e.GetProperty("status").GetInt32().ToString(CultureInfo.InvariantCulture)), await page.Locator("#requests-table tbody td:nth-child(6)").AllTextContentsAsync());
        Assert.Equal(logs.Select(e => e.GetProperty("team").GetString()), await page.Locator("#requests-table tbody td:nth-child(9)").AllTextContentsAsync());
        Assert.Equal(logs.Select(e => e.TryGetProperty("cost_usd", out var c) ? Usd(c.GetDouble()) : "–"), await page.Locator("#requests-table tbody td:nth-child(8)").AllTextContentsAsync());
    }

    private static async Task AssertFigureAsync(IPage page, string name, double expected, Func<double, string> format)
    {
        var element = page.Locator($"[data-figure='{name}']");
        Assert.Equal(format(expected), await element.TextContentAsync());
        Assert.Equal(expected, double.Parse((await element.GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture));
    }

    /// <summary>Waits until the table's rows are those <paramref name="adminPath"/> lists (the page re-polls when a filter changes).</summary>
    private async Task WaitForRowsAsync(IPage page, string adminPath, int expectedCount)
    {
        var ids = (await _gateway.AdminAsync(adminPath)).EnumerateArray().Select(e => e.GetProperty("request_id").GetString()).ToArray();
        Assert.Equal(expectedCount, ids.Length);
        await page.WaitForFunctionAsync(
            "expected => [...document.querySelectorAll('#requests-table tbody tr')].map(r => r.dataset.requestId).join(',') === expected",
            string.Join(",", ids));
    }

    private static async Task SignInAsync(IPage page, string key)
    {
        await page.FillAsync("#key", key);
        await page.ClickAsync("#login-form button[type=submit]");
    }

    private static Task<int> PollsAsync(IPage page) => page.EvaluateAsync<int>("() => Number(document.body.dataset.polls || 0)");

    private static Task WaitForPollsAsync(IPage page, int polls)
        => page.WaitForFunctionAsync("n => Number(document.body.dataset.polls || 0) >= n", polls);

    private bool OptedOut()
    {
        if (ChromiumFixture.IsOptedOut)
        {
            output.WriteLine(ChromiumFixture.OptedOut);
            return true;
        }

        return false;
    }

    // The page's formats (wwwroot/js/format.js), for comparing the text it shows.
    private static string Usd(double value)
    {
        var abs = Math.Abs(value);
        return (value < 0 ? "-" : "") + "$" + abs.ToString(abs >= 1 ? "F2" : abs >= 0.01 ? "F4" : "F6", CultureInfo.InvariantCulture);
    }

    private static string Percent(double value) => (value * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static string Count(double value) => Math.Round(value).ToString("N0", CultureInfo.InvariantCulture);

    private static string Milliseconds(double value) => value >= 1000
        ? (value / 1000).ToString("F2", CultureInfo.InvariantCulture) + " s"
        : Math.Round(value, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture) + " ms";
}
