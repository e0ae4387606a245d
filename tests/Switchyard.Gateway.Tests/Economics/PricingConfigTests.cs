using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Economics;

namespace Switchyard.Gateway.Tests.Economics;

/// <summary><c>deployments.NAME.pricing</c>: read, priced, and every mistake reported with its line.</summary>
public sealed class PricingConfigTests
{
    private static ConfigLoadResult Parse(string llamaPricing, string gptPricing = "", string extra = "") => ConfigLoader.Parse($$"""
        providers:
          vllm: { kind: openai, base_url: http://localhost:8000/v1 }
          openai: { kind: openai, base_url: https://api.openai.com/v1 }
        deployments:
          llama:
            provider: vllm
            model: llama
            {{llamaPricing}}
          gpt:
            provider: openai
            model: gpt-4o-2024-08-06
            hosting: external
            {{gptPricing}}
          {{extra}}
        routes:
          chat: { deployments: [llama, gpt] }
        """, "switchyard.yaml", _ => null);

    private static PriceBook Prices(string llamaPricing, string gptPricing = "", string extra = "")
    {
        var result = Parse(llamaPricing, gptPricing, extra);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return new PriceBook(result.Config!);
    }

    [Fact]
    public void Hardware_IsSpreadOverTheTokensServed()
    {
        // $2.50 an hour × 2 GPUs = $5/h; 2,500 tokens/s × 0.5 × 3,600 = 4.5M tokens/h; $5 / 4.5M × 1M = $1.1111 per million.
        var prices = Prices("pricing: { gpu_hour: 2.50, gpus: 2, tokens_per_second: 2500, utilisation: 0.5 }");

        var llama = prices.Find("llama")!;
        Assert.Equal(5.0 / 4.5, llama.Input, 9);
        Assert.Equal(llama.Input, llama.Output);
        Assert.Contains("2 GPU × $2.5 an hour over 2500 tokens/s at 50% utilisation = $1.1111 per million tokens", llama.Source, StringComparison.Ordinal);
        Assert.Equal(1000 * (5.0 / 4.5) / 1e6, llama.Cost(400, 600), 12);
    }

    [Fact]
    public void Measured_IsTheHardwareOverTheTokensServedInTheWindow_WithAFloor()
    {
        var config = Parse("pricing: { gpu_hour: 3.6, tokens_per_second: 1000, basis: measured, window: 30m, min_utilisation: 0.1 }");
        Assert.True(config.Succeeded, string.Join("\n", config.Errors));
        var hardware = config.Config!.Deployments[0].Pricing!;
        Assert.Equal((PricingBasis.Measured, TimeSpan.FromMinutes(30), 0.1), (hardware.Basis, hardware.Window, hardware.MinUtilisation));

        // $3.60 an hour; 900,000 tokens in 30 minutes is 500 tokens/s: $3.60 / (500 × 3,600) × 10^6 = $2 per million.
        var busy = DeploymentPrice.Measured(hardware, 900_000);
        // Idle: the floor, 10% of 1,000 tokens/s = 100 tokens/s: $3.60 / (100 × 3,600) × 10^6 = $10 per million.
        var idle = DeploymentPrice.Measured(hardware, 1_000);

        Assert.Equal((2.0, 2.0), (Math.Round(busy.Input, 9), Math.Round(busy.Output, 9)));
        Assert.Equal("measured: 1 GPU × $3.6 an hour over the 900,000 tokens served in the last 30 min (500 tokens/s) = $2 per million tokens", busy.Source);
        Assert.Equal(10.0, idle.Input, 9);
        Assert.Contains("below the floor of 100 tokens/s (10% of 1000)", idle.Source, StringComparison.Ordinal);
        // Before any traffic is measured, a deployment is priced at its floor: the dearest it can be.
        Assert.Equal(10.0, Prices("pricing: { gpu_hour: 3.6, tokens_per_second: 1000, basis: measured, min_utilisation: 0.1 }").Find("llama")!.Input, 9);
    }

    [Fact]
    public void Monthly_IsSpreadOverTheHoursOfAMonth()
    {
        // $1,461 a month / 730.5 h = $2/h; 1,000 tokens/s × 3,600 = 3.6M tokens/h; $2 / 3.6 = $0.5556 per million.
        var llama = Prices("pricing: { monthly: 1461, tokens_per_second: 1000 }").Find("llama")!;

        Assert.Equal(2.0 / 3.6, llama.Input, 9);
    }

    [Fact]
    public void External_WithoutPricing_TakesTheCatalogsListPrice()
    {
        var gpt = Prices("").Find("gpt")!;

        Assert.Equal(2.50, gpt.Input);
        Assert.Equal(10.00, gpt.Output);
        Assert.Equal(1.25, gpt.CachedInput);
        Assert.StartsWith("catalog: gpt-4o list price", gpt.Source, StringComparison.Ordinal);
        // 1,000 in of which 400 cached, 500 out of which 200 reasoning (billed as output).
        Assert.Equal(((600 * 2.50) + (400 * 1.25) + (500 * 10.00)) / 1e6, gpt.Cost(1000, 500, 400, 200), 12);
    }

    [Fact]
    public void Configured_OverridesTheCatalog_AndSelfHostedWithoutPricingIsNotCosted()
    {
        var prices = Prices("", "pricing: { input: 1.25, output: 5, cached_input: 0.5, reasoning: 6 }");

        var gpt = prices.Find("gpt")!;
        Assert.Equal("configured", gpt.Source);
        Assert.Equal(((500 * 1.25) + (500 * 0.5) + (100 * 5.0) + (100 * 6.0)) / 1e6, gpt.Cost(1000, 200, 500, 100), 12);
        Assert.Null(prices.Find("llama"));
        Assert.Equal(["llama"], prices.Unpriced);
    }

    [Fact]
    public void Adapter_CostsWhatItsBaseDoes_AndNoneIsNotCosted()
    {
        var prices = Prices(
            "pricing: { gpu_hour: 3.6, tokens_per_second: 1000 }",
            "pricing: none",
            "legal: { base: llama, model: llama-legal-lora }");

        Assert.Equal(1.0, prices.Find("legal")!.Input, 9);
        Assert.Null(prices.Find("gpt"));
        Assert.Empty(prices.Unpriced);
    }

    [Theory]
    [InlineData("openai/GPT-4o-2024-08-06", "gpt-4o")]
    [InlineData("claude-sonnet-4-20250514", "claude-sonnet-4")]
    [InlineData("gpt-4o-mini", "gpt-4o-mini")]
    [InlineData("claude-3-5-haiku-latest", "claude-3-5-haiku")]
    public void Catalog_NormalisesProviderPrefixesAndSnapshotDates(string model, string expected)
    {
        Assert.Equal(expected, PriceCatalog.Normalise(model));
        Assert.True(PriceCatalog.TryFind(model, out var entry));
        Assert.Equal(expected, entry.Model);
    }

    [Theory]
    [InlineData("pricing: { input: 2.5 }", "needs both input and output prices")]
    [InlineData("pricing: { input: 2.5, output: 10, gpu_hour: 2 }", "mixes prices per token")]
    [InlineData("pricing: { gpu_hour: 2 }", "needs tokens_per_second")]
    [InlineData("pricing: { tokens_per_second: 2000 }", "needs the hardware's cost")]
    [InlineData("pricing: { gpu_hour: 2, monthly: 1000, tokens_per_second: 100 }", "has both gpu_hour and monthly")]
    [InlineData("pricing: { gpu_hour: -1, tokens_per_second: 100 }", "must be between 0 and")]
    [InlineData("pricing: { gpu_hour: 2, tokens_per_second: 100, utilisation: 1.5 }", "at most 1")]
    [InlineData("pricing: { input: 2.5, output: 10, currency: eur }", "currency")]
    [InlineData("pricing: cheap", "expected a mapping or 'none'")]
    [InlineData("pricing: { gpu_hour: 2, tokens_per_second: 100, basis: measured, utilisation: 0.5 }", "gives utilisation with basis: measured")]
    [InlineData("pricing: { gpu_hour: 2, tokens_per_second: 100, window: 30m }", "only apply to basis: measured")]
    [InlineData("pricing: { gpu_hour: 2, tokens_per_second: 100, basis: measured, window: 90s }", "whole minutes, from 5m to 24h")]
    [InlineData("pricing: { gpu_hour: 2, tokens_per_second: 100, basis: measured, window: 25h }", "whole minutes, from 5m to 24h")]
    [InlineData("pricing: { gpu_hour: 2, tokens_per_second: 100, basis: throughput }", "basis")]
    [InlineData("pricing: { gpu_hour: 2, basis: measured }", "min_utilisation of it is the least throughput")]
    [InlineData("pricing: { input: 1, output: 2, basis: measured }", "mixes prices per token")]
    public void Mistakes_AreReportedWithTheirLine(string pricing, string message)
    {
        var result = Parse(pricing);

        Assert.False(result.Succeeded);
        var errors = string.Join("\n", result.Errors);
        Assert.Contains("switchyard.yaml:8:", errors, StringComparison.Ordinal);
        Assert.Contains("deployments.llama.pricing", errors, StringComparison.Ordinal);
        Assert.Contains(message, errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Prices_OverrideTheCatalogByModelName_AndAddModelsItDoesNotKnow()
    {
        var result = ConfigLoader.Parse("""
            providers:
              openai: { kind: openai, base_url: https://api.openai.com/v1 }
            deployments:
              gpt: { provider: openai, model: openai/gpt-4o-2024-08-06, hosting: external }
              mini: { provider: openai, model: gpt-4o-mini, hosting: external }
              tuned: { provider: openai, model: acme-tuned-7b, hosting: external }
              own: { provider: openai, model: gpt-4o, hosting: external, pricing: { input: 1, output: 1 } }
            prices:
              gpt-4o: { input: 2.0, output: 8.0, cached_input: 1.0, checked: 2026-01-15 }
              acme-tuned-7b: { input: 0.3, output: 1.2 }
            routes:
              chat: { baseline: acme-tuned-7b, deployments: [gpt, mini, tuned, own] }
            """, "switchyard.yaml", _ => null);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var prices = new PriceBook(result.Config!);

        // The negotiated price of gpt-4o wins over the catalog's, whatever prefix and date the deployment's model has.
        var gpt = prices.Find("gpt")!;
        Assert.Equal((2.0, 8.0, 1.0, 8.0), (gpt.Input, gpt.Output, gpt.CachedInput, gpt.Reasoning));
        Assert.Equal("prices: gpt-4o in the configuration, checked 2026-01-15", gpt.Source);
        // A model the catalog does not know, priced here; its cached input defaults to its input price.
        Assert.Equal((0.3, 1.2, 0.3), (prices.Find("tuned")!.Input, prices.Find("tuned")!.Output, prices.Find("tuned")!.CachedInput));
        // Untouched entries keep the catalog's dated list price; a deployment's own pricing still wins.
        Assert.Equal("catalog: gpt-4o-mini list price, checked 2025-11-30", prices.Find("mini")!.Source);
        Assert.Equal(1.0, prices.Find("own")!.Input);
        using var table = new Gateway.Routing.RouteTable(result.Config!, TimeProvider.System);
        Assert.True(table.TryGetRoute("chat", out var chat));
        Assert.Equal(1.2, chat.BaselinePrice!.Output);
    }

    [Theory]
    [InlineData("gpt-4o: { input: 2 }", "prices.gpt-4o.output: is required")]
    [InlineData("gpt-4o: { input: 2, output: 8, checked: January }", "expected the date the price was checked as YYYY-MM-DD")]
    [InlineData("gpt-4o: { input: 2, output: -8 }", "prices.gpt-4o.output")]
    [InlineData("gpt-4o: { input: 2, output: 8, currency: eur }", "currency")]
    [InlineData("gpt-4o: { input: 2, output: 8 }\n  openai/GPT-4o-2024-08-06: { input: 3, output: 9 }", "names the same model as 'gpt-4o'")]
    public void Prices_Mistakes_AreReportedWithTheirLineAndKey(string entries, string message)
    {
        var result = ConfigLoader.Parse($"""
            providers:
              vllm: {"{"} kind: openai, base_url: http://localhost:8000/v1 {"}"}
            deployments:
              llama: {"{"} provider: vllm, model: llama {"}"}
            routes:
              chat: {"{"} deployments: [llama] {"}"}
            prices:
              {entries}
            """, "switchyard.yaml", _ => null);

        Assert.False(result.Succeeded);
        var errors = string.Join("\n", result.Errors);
        Assert.Matches(@"switchyard\.yaml:(8|9):", errors);
        Assert.Contains(message, errors, StringComparison.Ordinal);
    }

    [Fact]
    public void HardwareCost_OnAnExternalDeployment_IsRefused()
    {
        var result = Parse("", "pricing: { gpu_hour: 2, tokens_per_second: 100 }");

        Assert.Contains("the deployment is hosting: external", string.Join("\n", result.Errors), StringComparison.Ordinal);
    }
}
