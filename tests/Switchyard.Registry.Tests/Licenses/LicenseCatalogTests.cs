using Switchyard.Registry.Licenses;

namespace Switchyard.Registry.Tests.Licenses;

public sealed class LicenseCatalogTests
{
    private static readonly LicenseCatalog Catalog = LicenseCatalog.Default;

    [Theory]
    [InlineData("apache-2.0", "apache-2.0")]
    [InlineData("Apache-2.0", "apache-2.0")]
    [InlineData("APACHE_2_0", "apache-2.0")]
    [InlineData("Apache License 2.0", "apache-2.0")]
    [InlineData("Apache License, Version 2.0", "apache-2.0")]
    [InlineData("LicenseRef-Apache-2.0", "apache-2.0")]
    [InlineData("MIT", "mit")]
    [InlineData("mit license", "mit")]
    [InlineData("BSD-3-Clause", "bsd-3-clause")]
    [InlineData("bsd-2-clause", "bsd-2-clause")]
    [InlineData("BSD-3-Clause-Clear", "bsd-3-clause-clear")]
    [InlineData("llama3.1", "llama3.1")]
    [InlineData("Llama-3.1", "llama3.1")]
    [InlineData("llama3_1", "llama3.1")]
    [InlineData("LicenseRef-llama3.1", "llama3.1")]
    [InlineData("Llama 3.1 Community License Agreement", "llama3.1")]
    [InlineData("llama2", "llama2")]
    [InlineData("llama3", "llama3")]
    [InlineData("Meta Llama 3 Community License", "llama3")]
    [InlineData("llama3.2", "llama3.2")]
    [InlineData("llama3.3", "llama3.3")]
    [InlineData("llama4", "llama4")]
    [InlineData("LicenseRef-llama4", "llama4")]
    [InlineData("gemma", "gemma")]
    [InlineData("Gemma Terms of Use", "gemma")]
    [InlineData("CC-BY-NC-4.0", "cc-by-nc-4.0")]
    [InlineData("cc-by-nc-sa-4.0", "cc-by-nc-sa-4.0")]
    [InlineData("cc-by-nc-nd-4.0", "cc-by-nc-nd-4.0")]
    [InlineData("CC-BY-4.0", "cc-by-4.0")]
    [InlineData("cc-by-sa-4.0", "cc-by-sa-4.0")]
    [InlineData("openrail", "openrail")]
    [InlineData("openrail++", "openrail++")]
    [InlineData("bigscience-openrail-m", "bigscience-openrail-m")]
    [InlineData("bigcode-openrail-m", "bigcode-openrail-m")]
    [InlineData("creativeml-openrail-m", "creativeml-openrail-m")]
    [InlineData("fair-noncommercial-research-license", "fair-noncommercial-research-license")]
    [InlineData("apple-amlr", "apple-amlr")]
    [InlineData("intel-research", "intel-research")]
    [InlineData("h-research", "h-research")]
    [InlineData("deepfloyd-if-license", "deepfloyd-if-license")]
    [InlineData("openmdw-1.0", "openmdw-1.0")]
    [InlineData("openmdw-1.1", "openmdw-1.1")]
    [InlineData("grok2-community", "grok2-community")]
    [InlineData("MRL-0.1", "mrl")]
    [InlineData("LicenseRef-MRL", "mrl")]
    [InlineData("Mistral AI Research License", "mrl")]
    [InlineData("MNPL-0.1", "mnpl")]
    [InlineData("deepseek-license", "deepseek")]
    [InlineData("DEEPSEEK LICENSE AGREEMENT", "deepseek")]
    [InlineData("TII Falcon License 2.0", "falcon-llm-license")]
    [InlineData("Kimi", "kimi-modified-mit")]
    public void Normalise_Spellings_GiveTheCanonicalId(string spelling, string expected) =>
        Assert.Equal(expected, Catalog.Normalise(spelling));

    [Theory]
    [InlineData("other", "tongyi-qianwen", "tongyi-qianwen")]
    [InlineData("other", "tongyi-qianwen-research", "tongyi-qianwen-research")]
    [InlineData("other", "tongyi-qianwen-license-agreement", "tongyi-qianwen")]
    [InlineData("other", "qwen", "qwen")]
    [InlineData("other", "qwen-research", "qwen-research")]
    [InlineData("other", "mrl", "mrl")]
    [InlineData("OTHER", "mnpl", "mnpl")]
    [InlineData("other", "deepseek", "deepseek")]
    [InlineData("other", "deepseek-license", "deepseek")]
    [InlineData("other", "falcon-llm-license", "falcon-llm-license")]
    [InlineData("other", "modified-mit", "kimi-modified-mit")]
    [InlineData("unknown", "falcon-180b-license", "falcon-180b-license")]
    [InlineData(null, "llama3.1", "llama3.1")]
    [InlineData("apache-2.0", "llama3.1", "apache-2.0")]
    public void Normalise_CardPairs_UseLicenseNameForOther(string? license, string licenseName, string expected) =>
        Assert.Equal(expected, Catalog.Normalise(license, licenseName));

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("unknown", null)]
    [InlineData("other", null)]
    [InlineData("other", "")]
    [InlineData("other", "acme-custom-license")]
    [InlineData("unknown", "other")]
    [InlineData("NOASSERTION", null)]
    [InlineData("gpl-3.0", null)]
    [InlineData("LicenseRef-acme", null)]
    [InlineData("MIT AND LicenseRef-acme", null)]
    [InlineData("(MIT OR Apache-2.0", null)]
    [InlineData("MIT OR", null)]
    [InlineData("Apache-2.0 WITH", null)]
    public void Resolve_UnknownOtherOrMissing_IsNull(string? license, string? licenseName) =>
        Assert.Null(Catalog.Resolve(license, licenseName));

    [Theory]
    [InlineData("apache-2.0 OR mit", "apache-2.0")]
    [InlineData("MIT OR Apache-2.0", "apache-2.0")]
    [InlineData("mit or llama3.1", "mit")]
    [InlineData("LicenseRef-llama3.1 OR MIT", "mit")]
    [InlineData("MIT AND LicenseRef-llama3.1", "llama3.1")]
    [InlineData("(MIT OR Apache-2.0) AND CC-BY-NC-4.0", "cc-by-nc-4.0")]
    [InlineData("MIT OR Apache-2.0 AND CC-BY-NC-4.0", "mit")]
    [InlineData("Apache-2.0 WITH LLVM-exception", "apache-2.0")]
    [InlineData("MIT/Apache-2.0", "apache-2.0")]
    [InlineData("LicenseRef-acme OR MIT", "mit")]
    [InlineData("Llama 3.1 Community License OR MIT", "mit")]
    public void Normalise_SpdxExpressions_TakeTheLeastRestrictiveChoice(string expression, string expected) =>
        Assert.Equal(expected, Catalog.Normalise(expression));

    [Theory]
    [InlineData("llama2")]
    [InlineData("llama3")]
    [InlineData("llama3.1")]
    [InlineData("llama3.2")]
    [InlineData("llama3.3")]
    [InlineData("llama4")]
    [InlineData("gemma")]
    [InlineData("grok2-community")]
    [InlineData("apache-2.0")]
    [InlineData("mit")]
    [InlineData("openrail")]
    [InlineData("openrail++")]
    [InlineData("bigscience-openrail-m")]
    [InlineData("bigcode-openrail-m")]
    [InlineData("creativeml-openrail-m")]
    [InlineData("cc-by-nc-4.0")]
    [InlineData("cc-by-nc-sa-4.0")]
    [InlineData("cc-by-nc-nd-4.0")]
    [InlineData("cc-by-4.0")]
    [InlineData("cc-by-sa-4.0")]
    [InlineData("fair-noncommercial-research-license")]
    [InlineData("apple-amlr")]
    [InlineData("intel-research")]
    [InlineData("h-research")]
    [InlineData("deepfloyd-if-license")]
    [InlineData("openmdw-1.0")]
    [InlineData("openmdw-1.1")]
    [InlineData("tongyi-qianwen")]
    [InlineData("tongyi-qianwen-research")]
    [InlineData("qwen")]
    [InlineData("qwen-research")]
    [InlineData("mrl")]
    [InlineData("mnpl")]
    [InlineData("deepseek")]
    [InlineData("falcon-llm-license")]
    [InlineData("falcon-180b-license")]
    [InlineData("kimi-modified-mit")]
    [InlineData("bsd-3-clause")]
    public void Default_HasEveryHubIdAndSlug(string id)
    {
        var terms = Catalog.Get(id);

        Assert.NotNull(terms);
        Assert.Equal(id, Catalog.Normalise(id));
    }

    [Theory]
    [InlineData("apache-2.0", LicenseClass.Permissive)]
    [InlineData("mit", LicenseClass.Permissive)]
    [InlineData("bsd-2-clause", LicenseClass.Permissive)]
    [InlineData("bsd-3-clause", LicenseClass.Permissive)]
    [InlineData("llama2", LicenseClass.CommunityCommercial)]
    [InlineData("llama4", LicenseClass.CommunityCommercial)]
    [InlineData("gemma", LicenseClass.CommunityCommercial)]
    [InlineData("qwen", LicenseClass.CommunityCommercial)]
    [InlineData("tongyi-qianwen", LicenseClass.CommunityCommercial)]
    [InlineData("deepseek", LicenseClass.CommunityCommercial)]
    [InlineData("falcon-llm-license", LicenseClass.CommunityCommercial)]
    [InlineData("kimi-modified-mit", LicenseClass.CommunityCommercial)]
    [InlineData("qwen-research", LicenseClass.NonCommercial)]
    [InlineData("tongyi-qianwen-research", LicenseClass.NonCommercial)]
    [InlineData("mrl", LicenseClass.NonCommercial)]
    [InlineData("mnpl", LicenseClass.NonCommercial)]
    [InlineData("cc-by-nc-4.0", LicenseClass.NonCommercial)]
    [InlineData("cc-by-nc-sa-3.0", LicenseClass.NonCommercial)]
    [InlineData("cc-by-nc-nd-4.0", LicenseClass.NonCommercial)]
    [InlineData("fair-noncommercial-research-license", LicenseClass.NonCommercial)]
    public void Default_ClassesFollowSection43(string id, LicenseClass expected) =>
        Assert.Equal(expected, Catalog.Get(id)!.Class);

    [Fact]
    public void Default_RecordsTheTableTerms()
    {
        foreach (var id in (string[])["llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4"])
        {
            Assert.Equal(700_000_000, Catalog.Get(id)!.MonthlyActiveUserThreshold);
            Assert.NotNull(Catalog.Get(id)!.AcceptableUsePolicyUrl);
        }

        Assert.Equal(100_000_000, Catalog.Get("qwen")!.MonthlyActiveUserThreshold);
        Assert.Equal(100_000_000, Catalog.Get("tongyi-qianwen")!.MonthlyActiveUserThreshold);
        var kimi = Catalog.Get("kimi-modified-mit")!;
        Assert.Equal(100_000_000, kimi.MonthlyActiveUserThreshold);
        Assert.Equal(20_000_000m, kimi.MonthlyRevenueThresholdUsd);
        Assert.Equal(ThresholdEffect.AddsObligation, kimi.ThresholdEffect);

        var llama31 = Catalog.Get("llama3.1")!;
        Assert.Equal("Built with Llama", llama31.DisplayRequirement);
        Assert.Equal("Llama", llama31.DerivativeNamePrefix);
        Assert.Equal("Llama 3.1 is licensed under the Llama 3.1 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved.", llama31.NoticeText);
        Assert.Equal(OutputUse.TrainedModelsMustAttribute, llama31.OutputUse);
        Assert.Equal(OutputUse.MayNotImproveOtherModels, Catalog.Get("llama2")!.OutputUse);
        Assert.Equal(OutputUse.MayNotImproveOtherModels, Catalog.Get("llama3")!.OutputUse);
        Assert.Equal("Llama 3", Catalog.Get("llama3")!.DerivativeNamePrefix);

        Assert.Equal(["EU"], Catalog.Get("llama3.2")!.RestrictedRegions);
        Assert.True(Catalog.Get("llama3.2")!.RegionRestrictionOnlyMultimodal);
        Assert.True(Catalog.Get("llama4")!.AlwaysMultimodal);
        Assert.Empty(Catalog.Get("llama3.1")!.RestrictedRegions);

        var gemma = Catalog.Get("gemma")!;
        Assert.True(gemma.FlowDownRequired);
        Assert.True(gemma.RemoteRevocation);
        Assert.Equal(OutputUse.DerivativesInheritLicense, gemma.OutputUse);
        Assert.True(Catalog.Get("deepseek")!.FlowDownRequired);
        Assert.Equal(OutputUse.ResearchOnly, Catalog.Get("mrl")!.OutputUse);
        Assert.False(Catalog.Get("mrl")!.CommercialUse);
    }

    [Fact]
    public void Default_VerifyRowsNeedLegalVerification()
    {
        Assert.True(Catalog.Get("falcon-llm-license")!.NeedsLegalVerification);
        Assert.True(Catalog.Get("falcon-180b-license")!.NeedsLegalVerification);
        Assert.False(Catalog.Get("llama3.1")!.NeedsLegalVerification);
        Assert.False(Catalog.Get("apache-2.0")!.NeedsLegalVerification);
        Assert.True(Catalog.FindModel("google/gemma-4-27b-it")!.NeedsLegalVerification);
        Assert.True(Catalog.FindModel("deepseek-ai/DeepSeek-V3-0324")!.NeedsLegalVerification);
        Assert.True(Catalog.FindModel("deepseek-ai/DeepSeek-V3.1")!.NeedsLegalVerification);
    }

    [Fact]
    public void Default_EveryEntryHasASourceAndItsAliasesResolveToIt()
    {
        foreach (var terms in Catalog.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(terms.Source), terms.Id);
            Assert.Equal(terms.NeedsLegalVerification, terms.VerificationNote is not null);
            Assert.Same(terms, Catalog.Resolve(terms.Id));
            Assert.Same(terms, Catalog.Resolve(terms.Name));
            Assert.Same(terms, Catalog.Resolve("other", terms.Id));
            foreach (var alias in terms.Aliases)
            {
                Assert.Same(terms, Catalog.Resolve(alias));
            }

            if (terms.Class == LicenseClass.NonCommercial)
            {
                Assert.NotNull(terms.PermittedUse);
            }
        }

        Assert.All(Catalog.Models, rule => Assert.False(string.IsNullOrWhiteSpace(rule.Source)));
    }

    [Theory]
    [InlineData("Qwen/Qwen2.5-3B-Instruct", "qwen-research")]
    [InlineData("Qwen/Qwen2.5-3B", "qwen-research")]
    [InlineData("Qwen/Qwen2.5-32B-Instruct", "apache-2.0")]
    [InlineData("Qwen/Qwen2.5-7B-Instruct", "apache-2.0")]
    [InlineData("Qwen/Qwen2.5-72B-Instruct", "qwen")]
    [InlineData("Qwen/Qwen2-72B-Instruct", "tongyi-qianwen")]
    [InlineData("Qwen/Qwen2-7B-Instruct", "apache-2.0")]
    [InlineData("Qwen/Qwen-1_8B-Chat", "tongyi-qianwen-research")]
    [InlineData("Qwen/Qwen-14B-Chat", "tongyi-qianwen")]
    [InlineData("qwen/qwen3-8b", "apache-2.0")]
    [InlineData("google/gemma-4-27b-it", "apache-2.0")]
    [InlineData("google/gemma-2-9b-it", "gemma")]
    [InlineData("mistralai/Ministral-8B-Instruct-2410", "mrl")]
    [InlineData("mistralai/Mistral-7B-Instruct-v0.3", "apache-2.0")]
    [InlineData("mistralai/Mistral-Small-3.1-24B-Instruct-2503", "apache-2.0")]
    [InlineData("mistralai/Codestral-22B-v0.1", "mnpl")]
    [InlineData("deepseek-ai/DeepSeek-V3", "deepseek")]
    [InlineData("deepseek-ai/DeepSeek-R1", "mit")]
    [InlineData("deepseek-ai/DeepSeek-Coder-V2-Instruct", "deepseek")]
    [InlineData("tiiuae/falcon-180B-chat", "falcon-180b-license")]
    [InlineData("tiiuae/Falcon3-7B-Instruct", "falcon-llm-license")]
    [InlineData("tiiuae/falcon-7b-instruct", "apache-2.0")]
    [InlineData("meta-llama/Llama-3.2-11B-Vision-Instruct", "llama3.2")]
    [InlineData("moonshotai/Kimi-K2-Instruct", "kimi-modified-mit")]
    public void FindModel_TableRows_GiveTheListedLicence(string modelId, string expected) =>
        Assert.Equal(expected, Catalog.FindModel(modelId)?.LicenseId);

    [Fact]
    public void FindModel_UnlistedModel_IsNull()
    {
        Assert.Null(Catalog.FindModel("acme/my-model"));
        Assert.Null(Catalog.FindModel("Qwen/Qwen2.5-VL-7B-Instruct"));
    }

    [Fact]
    public void Constructor_DuplicateAliasOrUnknownRuleLicence_Throws()
    {
        var a = new LicenseTerms { Id = "a", Name = "A", Class = LicenseClass.Permissive, Aliases = ["shared"] };
        var b = new LicenseTerms { Id = "b", Name = "B", Class = LicenseClass.Permissive, Aliases = ["Shared"] };

        Assert.Throws<ArgumentException>(() => new LicenseCatalog([a, b]));
        Assert.Throws<ArgumentException>(() => new LicenseCatalog([a, a with { Name = "A2", Aliases = [] }]));
        Assert.Throws<ArgumentException>(() => new LicenseCatalog([a], [new ModelLicenseRule("x/*", "nope", "test")]));
    }

    [Fact]
    public void With_ReplacesById_AndLeavesTheDefaultAlone()
    {
        var confirmed = Catalog.Get("falcon-llm-license")! with { NeedsLegalVerification = false, VerificationNote = null };
        var custom = new LicenseTerms { Id = "acme-model-license", Name = "Acme Model License", Class = LicenseClass.Permissive, Source = "legal, 2026-11-30" };

        var overridden = Catalog.With([confirmed, custom], [new ModelLicenseRule("acme/*", "acme-model-license", "legal")]);

        Assert.False(overridden.Get("falcon-llm-license")!.NeedsLegalVerification);
        Assert.True(Catalog.Get("falcon-llm-license")!.NeedsLegalVerification);
        Assert.Equal("acme-model-license", overridden.Normalise("other", "Acme Model License"));
        Assert.Null(Catalog.Normalise("other", "Acme Model License"));
        Assert.Equal("acme-model-license", overridden.FindModel("acme/x")?.LicenseId);
        Assert.Equal(Catalog.All.Count + 1, overridden.All.Count);
    }
}
