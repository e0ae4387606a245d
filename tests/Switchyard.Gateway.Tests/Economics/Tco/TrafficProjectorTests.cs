using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Economics.Tco;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Gateway.Tests.Economics.Tco;

public sealed class TrafficProjectorTests
{
    private static readonly DateTimeOffset Since = new(2026, 11, 14, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = Since.AddDays(7);

    private static Hosting? HostingOf(string deployment) => deployment switch
    {
        "gpt-4o" => Hosting.External,
        "llama" => Hosting.SelfHosted,
        _ => null,
    };

    /// <summary>A week: each day gpt-4o serves 1M in / 500k out and llama 3M in / 1M out, plus rows the sums must skip.</summary>
    internal static IEnumerable<RequestLogEntry> Week()
    {
        for (var day = 0; day < 7; day++)
        {
            var at = Since.AddDays(day);
            yield return Entry(at, "gpt-4o", 1_000_000, 500_000);
            yield return Entry(at.AddHours(1), "llama", 3_000_000, 1_000_000);
        }

        yield return Entry(Since.AddHours(2), null, null, null) with { Status = 400 };
        yield return Entry(Since.AddHours(3), "llama", null, null) with { Status = 503 };
        yield return Entry(Since.AddDays(-1), "gpt-4o", 9_000_000, 9_000_000);
    }

    internal static RequestLogEntry Entry(DateTimeOffset at, string? deployment, int? input, int? output) => new()
    {
        Timestamp = at,
        RequestId = Guid.NewGuid().ToString("N"),
        Endpoint = "chat.completions",
        Route = "chat",
        Deployment = deployment,
        Attempts = 1,
        Status = 200,
        InputTokens = input,
        OutputTokens = output,
    };

    [Fact]
    public void Summarise_CountsTheCallsBehindExtraCostsUnderTheirDeployments_AndAFailedRequestsTokensOnce()
    {
        RequestLogEntry[] entries =
        [
            // Escalated: llama's turned-down answer and a judge on gpt-4o were paid for too.
            Entry(Since, "gpt-4o", 1_000, 500) with
            {
                CostParts =
                [
                    new() { Kind = CostKind.Escalated, Deployment = "llama", InputTokens = 1_000, OutputTokens = 300 },
                    new() { Kind = CostKind.Check, Deployment = "gpt-4o", InputTokens = 1_600, OutputTokens = 20 },
                ],
            },
            // A stream cut after its first chunk: its row and its failed part hold the same tokens, counted once.
            Entry(Since.AddHours(1), "llama", 1_000, 5) with
            {
                Status = 502,
                CostParts = [new() { Kind = CostKind.Failed, Deployment = "llama", InputTokens = 1_000, OutputTokens = 5, Estimated = true }],
            },
        ];

        var usage = TrafficProjector.Summarise(entries, HostingOf, Since, Until);

        Assert.Equal(
            [new DeploymentUsage("gpt-4o", Hosting.External, 1, 2_600, 520), new DeploymentUsage("llama", Hosting.SelfHosted, 0, 2_000, 305)],
            usage.Deployments.AsEnumerable());
        Assert.Equal(0, usage.RequestsWithoutTokens);
        Assert.Equal((3_120, 2_305), (usage.Days[0].ExternalTokens, usage.Days[0].SelfHostedTokens));
    }

    [Fact]
    public void Summarise_SumsPerDeploymentAndPerDay_InsideTheWindowOnly()
    {
        var usage = TrafficProjector.Summarise(Week(), HostingOf, Since, Until);

        Assert.Equal(7m, usage.ObservedDays);
        Assert.Equal(2, usage.RequestsWithoutTokens);
        Assert.Equal(
            [new DeploymentUsage("llama", Hosting.SelfHosted, 7, 21_000_000, 7_000_000), new DeploymentUsage("gpt-4o", Hosting.External, 7, 7_000_000, 3_500_000)],
            usage.Deployments.AsEnumerable());
        Assert.Equal(7, usage.Days.Length);
        Assert.All(usage.Days, day => Assert.Equal((1_500_000, 4_000_000), (day.ExternalTokens, day.SelfHostedTokens)));
        Assert.Equal(new DateOnly(2026, 11, 14), usage.Days[0].Day);
    }

    [Fact]
    public void Summarise_LogYoungerThanTheWindow_AveragesFromTheFirstRequest()
    {
        var usage = TrafficProjector.Summarise([Entry(Until.AddDays(-2), "gpt-4o", 100, 0)], HostingOf, Since, Until);

        Assert.Equal(2m, usage.ObservedDays);
    }

    [Fact]
    public void Summarise_DeploymentNotInTheConfiguration_CountsAsExternal()
    {
        var usage = TrafficProjector.Summarise([Entry(Since, "mystery", 100, 50)], HostingOf, Since, Until);

        var mystery = Assert.Single(usage.Deployments);
        Assert.Null(mystery.Hosting);
        Assert.True(mystery.IsExternal);
        Assert.Equal(150, usage.Days[0].ExternalTokens);
    }

    [Fact]
    public void Project_NextMonth_AllApiAllSelfHostedAndHybrid()
    {
        var usage = TrafficProjector.Summarise(Week(), HostingOf, Since, Until);
        var pricing = new ApiPricing(InputPerMillion: 5, OutputPerMillion: 15);
        // $2.50/h reserved: $60 a day a set; 50 tokens/s at 100%: 4.32M tokens a day a set.
        var gpu = SelfHostedCost.Gpus(2.5m, gpus: 1, hoursPerDay: 24, tokensPerSecondPerGpu: 50, utilisation: 1);

        var projection = TrafficProjector.Project(usage, pricing, _ => pricing, gpu, selfHostedConfigured: true);

        Assert.Equal(30, projection.HorizonDays);
        Assert.Equal(5_500_000m, projection.TokensPerDay);
        Assert.Equal(4_000_000m, projection.SelfHostedTokensPerDay);
        // A day: 4M in × $5/M + 1.5M out × $15/M = $20 + $22.50 = $42.50; 30 days: $1,275.
        Assert.Equal(1_275m, Math.Round(projection.AllApi.Total, 10));
        // 5.5M a day needs ⌈5.5 / 4.32⌉ = 2 sets: 2 × $60 × 30 = $3,600.
        Assert.Equal(new ProjectedCost("All self-hosted", 0, 3_600, 2), projection.AllSelfHosted with { GpuCost = Math.Round(projection.AllSelfHosted.GpuCost, 10) });
        // gpt-4o a day: 1M × $5/M + 500k × $15/M = $12.50, 30 days $375; llama's 4M a day on 1 set: $1,800. Together $2,175.
        Assert.Equal(375m, Math.Round(projection.Hybrid.ApiFees, 10));
        Assert.Equal(1_800m, Math.Round(projection.Hybrid.GpuCost, 10));
        Assert.Equal(1, projection.Hybrid.GpuSets);
        Assert.Equal(2_175m, Math.Round(projection.Hybrid.Total, 10));
    }

    [Fact]
    public void Project_NothingSelfHosted_HybridRunsNoGpus()
    {
        var usage = TrafficProjector.Summarise([Entry(Since, "gpt-4o", 1_000_000, 0)], HostingOf, Since, Until);
        var pricing = ApiPricing.Blended(7);

        var projection = TrafficProjector.Project(usage, pricing, _ => pricing, SelfHostedCost.FixedMonthly(1_000, null), selfHostedConfigured: false);

        // 1M tokens over 7 days at $7/M: $7 a week, 30/7 weeks: $30.
        Assert.Equal(30m, Math.Round(projection.Hybrid.Total, 10));
        Assert.Equal(0, projection.Hybrid.GpuSets);
        Assert.Equal(30m, Math.Round(projection.AllApi.Total, 10));
    }
}
