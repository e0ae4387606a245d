using Switchyard.Gateway.Configuration;
using Switchyard.Registry.Licenses;

namespace Switchyard.Gateway.Tests.Configuration;

/// <summary><c>registry:</c> and a deployment's <c>registry_model</c>/<c>registry_manifest</c> in <c>switchyard.yaml</c>: read, defaulted, and every mistake reported with file, line and key.</summary>
public sealed class RegistryConfigTests
{
    private const string Tail = """
        providers:
          vllm: { kind: openai, base_url: http://localhost:8000/v1 }
        deployments:
          llama: { provider: vllm, model: llama, registry_model: llama-3.1-8b }
        routes:
          chat: { deployments: [llama] }
        """;

    private static ConfigLoadResult Parse(string registry) => ConfigLoader.Parse(registry + "\n" + Tail, "/etc/switchyard/switchyard.yaml", _ => null);

    private static RegistryConfig Registry(string registry)
    {
        var result = Parse(registry);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Config!.Registry;
    }

    private static ConfigError Single(string registry)
    {
        var result = Parse(registry);
        Assert.False(result.Succeeded);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void NoRegistrySection_IsEnforced_NothingAutomatic_ACommercialProductionProfile()
    {
        var registry = Registry("");

        Assert.Equal((RegistryEnforcement.On, RegistryAutoApprove.Off), (registry.Enforcement, registry.AutoApprove));
        Assert.True(registry.Organisation.CommercialUse);
        Assert.Equal([IntendedUse.Production], registry.Organisation.IntendedUses);
        Assert.Empty(registry.Organisation.Regions);
        Assert.Equal(0, registry.Organisation.MonthlyActiveUsers);
        Assert.Same(RegistryConfig.Default, registry);
    }

    [Fact]
    public void FullSection_IsRead()
    {
        var registry = Registry("""
            registry:
              enforce: warn
              auto_approve: permissive-clean
              organisation:
                commercial_use: false
                monthly_active_users: 1200000
                monthly_revenue_usd: 2500000.50
                regions: [us, DE]
                intended_uses: [research, evaluation, training-on-outputs]
            """);

        Assert.Equal((RegistryEnforcement.Warn, RegistryAutoApprove.PermissiveClean), (registry.Enforcement, registry.AutoApprove));
        var organisation = registry.Organisation;
        Assert.False(organisation.CommercialUse);
        Assert.Equal((1_200_000L, 2_500_000.50m), (organisation.MonthlyActiveUsers, organisation.MonthlyRevenueUsd!.Value));
        Assert.Equal(["US", "DE"], organisation.Regions);
        Assert.Equal([IntendedUse.Research, IntendedUse.Evaluation, IntendedUse.TrainingOnOutputs], organisation.IntendedUses);
    }

    [Fact]
    public void OrganisationWithoutIntendedUses_DefaultsToProduction()
    {
        Assert.Equal([IntendedUse.Production], Registry("registry: { organisation: { regions: [EU] } }").Organisation.IntendedUses);
        Assert.Equal(RegistryEnforcement.Off, Registry("registry: { enforce: off }").Enforcement);
    }

    [Theory]
    [InlineData("registry: { enforce: strict }", 1, "registry.enforce", "'strict' is not valid. Valid values: 'on', 'warn', 'off'")]
    [InlineData("registry: { auto_approve: always }", 1, "registry.auto_approve", "permissive-clean")]
    [InlineData("registry:\n  organisation:\n    regions: [US, Europe]", 3, "registry.organisation.regions", "'Europe' is not a region")]
    [InlineData("registry:\n  organisation:\n    intended_uses: [production, marketing]", 3, "registry.organisation.intended_uses", "'marketing' is not an intended use")]
    [InlineData("registry:\n  organisation:\n    monthly_active_users: -5", 3, "registry.organisation.monthly_active_users", "")]
    [InlineData("registry:\n  organisation:\n    monthly_revenue_usd: lots", 3, "registry.organisation.monthly_revenue_usd", "a number of dollars")]
    [InlineData("registry:\n  organisation:\n    commercial_use: maybe", 3, "registry.organisation.commercial_use", "")]
    [InlineData("registry:\n  organisation:\n    employees: 40", 3, "registry.organisation.employees", "")]
    [InlineData("registry: { enforced: on }", 1, "registry.enforced", "")]
    public void Mistake_IsReportedWithFileLineAndKey(string registry, int line, string key, string message)
    {
        var error = Single(registry);

        Assert.Equal(("switchyard.yaml", line, key), (Path.GetFileName(error.File), error.Line, error.Key));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void IntendedUses_ListAllowedWords()
    {
        var error = Single("registry: { organisation: { intended_uses: [marketing] } }");

        Assert.Contains("production, internal, research, evaluation, training-on-outputs, distillation, fine-tuning", error.Message);
    }

    [Fact]
    public void RegistryManifest_IsReadRelativeToTheFile_AndNeedsARegistryModel()
    {
        var result = ConfigLoader.Parse(Tail.Replace("registry_model: llama-3.1-8b", "registry_model: llama-3.1-8b, registry_manifest: manifests/llama.json", StringComparison.Ordinal), "/etc/switchyard/switchyard.yaml", _ => null);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(Path.GetFullPath("/etc/switchyard/manifests/llama.json"), result.Config!.Deployments.Single().RegistryManifest);

        var orphan = ConfigLoader.Parse(Tail.Replace("registry_model: llama-3.1-8b", "registry_manifest: llama.json", StringComparison.Ordinal), "/etc/switchyard/switchyard.yaml", _ => null);
        var error = Assert.Single(orphan.Errors);
        Assert.Equal(("deployments.llama.registry_manifest", 4), (error.Key, error.Line));
        Assert.Contains("add registry_model", error.Message);
    }
}
