using Switchyard.Registry.Licenses;

namespace Switchyard.Registry.Tests.Licenses;

public sealed class LicensePolicyTests
{
    private static LicenseVerdict Evaluate(OrganisationProfile profile, string modelId, string? license, string? licenseName = null, bool multimodal = false) =>
        LicensePolicy.Evaluate([new LicenseSubject(modelId, license, licenseName, multimodal, null)], profile);

    private static LicenseClause Single(LicenseVerdict verdict, string code) => Assert.Single(verdict.Clauses, c => c.Code == code);

    // The policy table against each profile: the outcome, and the clause that decides it (the first one with that outcome).
    [Theory]
    // A US startup, 10k MAU.
    [InlineData("startup", "Qwen/Qwen2.5-7B-Instruct", "apache-2.0", null, false, LicenseOutcome.Allowed, LicenseCodes.PermissiveLicense)]
    [InlineData("startup", "deepseek-ai/DeepSeek-R1", "mit", null, false, LicenseOutcome.Allowed, LicenseCodes.PermissiveLicense)]
    [InlineData("startup", "ibm-granite/granite-3.1-8b-instruct", "apache-2.0", null, false, LicenseOutcome.Allowed, LicenseCodes.PermissiveLicense)]
    [InlineData("startup", "meta-llama/Llama-3.1-8B-Instruct", "llama3.1", null, false, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    [InlineData("startup", "meta-llama/Llama-2-7b-chat-hf", "llama2", null, false, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    [InlineData("startup", "google/gemma-2-9b-it", "gemma", null, false, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    [InlineData("startup", "Qwen/Qwen2.5-72B-Instruct", "other", "qwen", false, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    [InlineData("startup", "deepseek-ai/DeepSeek-V3", "other", "deepseek", false, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    [InlineData("startup", "moonshotai/Kimi-K2-Instruct", "other", "modified-mit", false, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    [InlineData("startup", "mistralai/Ministral-8B-Instruct-2410", "other", "mrl", false, LicenseOutcome.Forbidden, LicenseCodes.NonCommercial)]
    [InlineData("startup", "mistralai/Codestral-22B-v0.1", "other", "mnpl", false, LicenseOutcome.Forbidden, LicenseCodes.NonCommercial)]
    [InlineData("startup", "Qwen/Qwen2.5-3B-Instruct", "other", "qwen-research", false, LicenseOutcome.Forbidden, LicenseCodes.NonCommercial)]
    [InlineData("startup", "Qwen/Qwen-1_8B-Chat", "other", "tongyi-qianwen-research", false, LicenseOutcome.Forbidden, LicenseCodes.NonCommercial)]
    [InlineData("startup", "CohereForAI/c4ai-command-r-v01", "cc-by-nc-4.0", null, false, LicenseOutcome.Forbidden, LicenseCodes.NonCommercial)]
    [InlineData("startup", "tiiuae/Falcon3-7B-Instruct", "other", "falcon-llm-license", false, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    [InlineData("startup", "acme/mystery", "other", null, false, LicenseOutcome.NeedsReview, LicenseCodes.UnknownLicense)]
    // A consumer company with 1B MAU.
    [InlineData("giant", "meta-llama/Llama-3.1-8B-Instruct", "llama3.1", null, false, LicenseOutcome.Forbidden, LicenseCodes.MauThreshold)]
    [InlineData("giant", "meta-llama/Llama-2-7b-chat-hf", "llama2", null, false, LicenseOutcome.Forbidden, LicenseCodes.MauThreshold)]
    [InlineData("giant", "meta-llama/Llama-3.3-70B-Instruct", "llama3.3", null, false, LicenseOutcome.Forbidden, LicenseCodes.MauThreshold)]
    [InlineData("giant", "Qwen/Qwen2-72B-Instruct", "other", "tongyi-qianwen", false, LicenseOutcome.Forbidden, LicenseCodes.MauThreshold)]
    [InlineData("giant", "Qwen/Qwen2.5-72B-Instruct", "other", "qwen", false, LicenseOutcome.Forbidden, LicenseCodes.MauThreshold)]
    [InlineData("giant", "moonshotai/Kimi-K2-Instruct", "other", "modified-mit", false, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    [InlineData("giant", "google/gemma-2-9b-it", "gemma", null, false, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    [InlineData("giant", "Qwen/Qwen2.5-7B-Instruct", "apache-2.0", null, false, LicenseOutcome.Allowed, LicenseCodes.PermissiveLicense)]
    // A German company serving multimodal models.
    [InlineData("eu", "meta-llama/Llama-3.2-11B-Vision-Instruct", "llama3.2", null, true, LicenseOutcome.Forbidden, LicenseCodes.EuMultimodal)]
    [InlineData("eu", "meta-llama/Llama-3.2-3B-Instruct", "llama3.2", null, false, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    [InlineData("eu", "meta-llama/Llama-4-Scout-17B-16E-Instruct", "llama4", null, false, LicenseOutcome.Forbidden, LicenseCodes.EuMultimodal)]
    [InlineData("eu", "meta-llama/Llama-3.1-8B-Instruct", "llama3.1", null, true, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    [InlineData("eu", "mistralai/Pixtral-12B-2409", "apache-2.0", null, true, LicenseOutcome.Allowed, LicenseCodes.PermissiveLicense)]
    // A research lab: no commercial use, research only.
    [InlineData("research", "mistralai/Ministral-8B-Instruct-2410", "other", "mrl", false, LicenseOutcome.NeedsReview, LicenseCodes.NonCommercial)]
    [InlineData("research", "CohereForAI/c4ai-command-r-v01", "cc-by-nc-4.0", null, false, LicenseOutcome.NeedsReview, LicenseCodes.NonCommercial)]
    [InlineData("research", "Qwen/Qwen2.5-3B-Instruct", "other", "qwen-research", false, LicenseOutcome.NeedsReview, LicenseCodes.NonCommercial)]
    [InlineData("research", "Qwen/Qwen2.5-7B-Instruct", "apache-2.0", null, false, LicenseOutcome.Allowed, LicenseCodes.PermissiveLicense)]
    [InlineData("research", "meta-llama/Llama-3.1-8B-Instruct", "llama3.1", null, false, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    // A company distilling outputs.
    [InlineData("distiller", "meta-llama/Meta-Llama-3-8B-Instruct", "llama3", null, false, LicenseOutcome.Forbidden, LicenseCodes.OutputTraining)]
    [InlineData("distiller", "meta-llama/Llama-2-7b-chat-hf", "llama2", null, false, LicenseOutcome.Forbidden, LicenseCodes.OutputTraining)]
    [InlineData("distiller", "meta-llama/Llama-3.1-70B-Instruct", "llama3.1", null, false, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    [InlineData("distiller", "google/gemma-2-9b-it", "gemma", null, false, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    [InlineData("distiller", "deepseek-ai/DeepSeek-V3", "other", "deepseek", false, LicenseOutcome.NeedsReview, LicenseCodes.CommunityLicense)]
    [InlineData("distiller", "mistralai/Mistral-Large-Instruct-2407", "other", "mrl", false, LicenseOutcome.Forbidden, LicenseCodes.NonCommercial)]
    [InlineData("distiller", "deepseek-ai/DeepSeek-R1", "mit", null, false, LicenseOutcome.Allowed, LicenseCodes.PermissiveLicense)]
    public void Evaluate_PolicyTable_GivesTheExpectedOutcome(
        string profile, string modelId, string license, string? licenseName, bool multimodal, LicenseOutcome outcome, string decidingCode)
    {
        var verdict = Evaluate(Profiles.Named(profile), modelId, license, licenseName, multimodal);

        Assert.Equal(outcome, verdict.Outcome);
        Assert.Equal(decidingCode, verdict.Clauses.First(c => c.Outcome == outcome).Code);
        Assert.All(verdict.Clauses, c => Assert.Equal(modelId, c.ModelId));
    }

    [Fact]
    public void Evaluate_Apache_IsAllowedWithItsSection4Notice()
    {
        var verdict = Evaluate(Profiles.Startup, "Qwen/Qwen2.5-7B-Instruct", "apache-2.0");

        Assert.True(verdict.IsAllowed);
        var notice = Assert.Single(verdict.Obligations);
        Assert.Equal(LicenseCodes.Notice, notice.Code);
        Assert.Equal("apache-2.0", notice.LicenseId);
        Assert.Contains("§4", notice.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Llama31_ListsItsObligations()
    {
        var verdict = Evaluate(Profiles.Startup, "meta-llama/Llama-3.1-8B-Instruct", "llama3.1");

        Assert.Equal(
            [LicenseCodes.Notice, LicenseCodes.LicenseCopy, LicenseCodes.Attribution, LicenseCodes.AcceptableUse],
            verdict.Obligations.Select(o => o.Code));
        Assert.Contains("\"Built with Llama\"", verdict.Obligations[2].Text, StringComparison.Ordinal);
        Assert.Contains("Llama 3.1 is licensed under the Llama 3.1 Community License", verdict.Obligations[0].Text, StringComparison.Ordinal);
        Assert.Equal(LicenseOutcome.Allowed, Single(verdict, LicenseCodes.MauThreshold).Outcome);
        Assert.DoesNotContain(verdict.Obligations, o => o.Code == LicenseCodes.DerivativeNaming);
    }

    [Theory]
    [InlineData(699_999_999, LicenseOutcome.Allowed)]
    [InlineData(700_000_000, LicenseOutcome.Forbidden)]
    [InlineData(700_000_001, LicenseOutcome.Forbidden)]
    public void Evaluate_LlamaMauThreshold_AtOrAboveForbids(long users, LicenseOutcome expected)
    {
        var verdict = Evaluate(Profiles.Startup with { MonthlyActiveUsers = users }, "meta-llama/Llama-3.1-8B-Instruct", "llama3.1");

        var clause = Single(verdict, LicenseCodes.MauThreshold);
        Assert.Equal(expected, clause.Outcome);
        if (expected == LicenseOutcome.Forbidden)
        {
            Assert.Contains("separate licence from Meta", clause.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Evaluate_KimiAboveThresholds_AddsTheDisplayDutyOnce()
    {
        var verdict = Evaluate(Profiles.Giant, "moonshotai/Kimi-K2-Instruct", "other", "modified-mit");

        Assert.Equal(LicenseOutcome.Allowed, Single(verdict, LicenseCodes.MauThreshold).Outcome);
        Assert.Equal(LicenseOutcome.Allowed, Single(verdict, LicenseCodes.RevenueThreshold).Outcome);
        var display = Assert.Single(verdict.Obligations, o => o.Code == LicenseCodes.Attribution);
        Assert.Contains("\"Kimi K2\"", display.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_KimiRevenueOnly_AddsTheDisplayDuty()
    {
        var verdict = Evaluate(Profiles.Startup with { MonthlyRevenueUsd = 20_000_000m }, "moonshotai/Kimi-K2-Instruct", "other", "kimi");

        Assert.Equal(LicenseOutcome.Allowed, Single(verdict, LicenseCodes.MauThreshold).Outcome);
        Assert.Contains("US$20,000,000", Single(verdict, LicenseCodes.RevenueThreshold).Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Obligations, o => o.Code == LicenseCodes.Attribution);
    }

    [Fact]
    public void Evaluate_KimiBelowThresholds_HasNoDisplayDuty()
    {
        var verdict = Evaluate(Profiles.Startup with { MonthlyRevenueUsd = 1_000m }, "moonshotai/Kimi-K2-Instruct", "other", "kimi");

        Assert.Equal(LicenseOutcome.Allowed, Single(verdict, LicenseCodes.RevenueThreshold).Outcome);
        Assert.DoesNotContain(verdict.Obligations, o => o.Code == LicenseCodes.Attribution);
    }

    [Fact]
    public void Evaluate_KimiRevenueUnknown_NeedsReviewAndAssumesTheDuty()
    {
        var verdict = Evaluate(Profiles.Startup, "moonshotai/Kimi-K2-Instruct", "other", "kimi");

        Assert.Equal(LicenseOutcome.NeedsReview, Single(verdict, LicenseCodes.RevenueThreshold).Outcome);
        Assert.Contains(verdict.Obligations, o => o.Code == LicenseCodes.Attribution);
    }

    [Theory]
    [InlineData("EU", true)]
    [InlineData("eu", true)]
    [InlineData("FR", true)]
    [InlineData("EL", true)]
    [InlineData("NO", false)]
    [InlineData("GB", false)]
    [InlineData("US", false)]
    public void Evaluate_Llama32Multimodal_ForbiddenForEuRegions(string region, bool forbidden)
    {
        var verdict = Evaluate(Profiles.Startup with { Regions = ["US", region] }, "meta-llama/Llama-3.2-11B-Vision-Instruct", "llama3.2", multimodal: true);

        Assert.Equal(forbidden, verdict.Outcome == LicenseOutcome.Forbidden);
        Assert.Equal(forbidden, verdict.Clauses.Any(c => c.Code == LicenseCodes.EuMultimodal && c.Outcome == LicenseOutcome.Forbidden));
    }

    [Fact]
    public void Evaluate_Llama32TextOnlyInTheEu_SaysTheRestrictionDoesNotApply()
    {
        var verdict = Evaluate(Profiles.EuCompany, "meta-llama/Llama-3.2-3B-Instruct", "llama3.2");

        var clause = Single(verdict, LicenseCodes.EuMultimodal);
        Assert.Equal(LicenseOutcome.Allowed, clause.Outcome);
        Assert.Contains("text-only", clause.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Llama4_IsAlwaysMultimodal()
    {
        var verdict = Evaluate(Profiles.EuCompany, "acme/llama4-text-only-claim", "llama4", multimodal: false);

        var clause = Single(verdict, LicenseCodes.EuMultimodal);
        Assert.Equal(LicenseOutcome.Forbidden, clause.Outcome);
        Assert.Contains("every model under this licence is", clause.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(IntendedUse.Production)]
    [InlineData(IntendedUse.Internal)]
    public void Evaluate_NonCommercialWithProductionOrInternal_ForbiddenEvenIfNotCommercial(IntendedUse use)
    {
        var profile = Profiles.ResearchLab with { IntendedUses = [IntendedUse.Research, use] };

        var verdict = Evaluate(profile, "mistralai/Ministral-8B-Instruct-2410", "other", "mrl");

        var clause = Single(verdict, LicenseCodes.NonCommercial);
        Assert.Equal(LicenseOutcome.Forbidden, clause.Outcome);
        Assert.Contains("count as commercial", clause.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NonCommercialForEvaluationOnly_NeedsReview()
    {
        var profile = new OrganisationProfile { CommercialUse = false, IntendedUses = [IntendedUse.Evaluation] };

        Assert.Equal(LicenseOutcome.NeedsReview, Evaluate(profile, "mistralai/Codestral-22B-v0.1", "other", "mnpl").Outcome);
    }

    [Fact]
    public void Evaluate_DistillingLlama31_IsAllowedWithNamingAndNoForbiddenClause()
    {
        var verdict = Evaluate(Profiles.Distiller, "meta-llama/Llama-3.1-70B-Instruct", "llama3.1");

        Assert.Equal(LicenseOutcome.Allowed, Single(verdict, LicenseCodes.OutputTraining).Outcome);
        Assert.Empty(verdict.ClausesWith(LicenseOutcome.Forbidden));
        var naming = Assert.Single(verdict.Obligations, o => o.Code == LicenseCodes.DerivativeNaming);
        Assert.Contains("\"Llama\"", naming.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("google/gemma-2-9b-it", "gemma", null, "gemma")]
    [InlineData("deepseek-ai/DeepSeek-V3", "other", "deepseek", "deepseek")]
    public void Evaluate_DistillingGemmaOrDeepSeek_FlowsTheLicenceDown(string modelId, string license, string? licenseName, string id)
    {
        var verdict = Evaluate(Profiles.Distiller, modelId, license, licenseName);

        Assert.Equal(LicenseOutcome.Allowed, Single(verdict, LicenseCodes.OutputTraining).Outcome);
        Assert.Equal(2, verdict.Obligations.Count(o => o.Code == LicenseCodes.FlowDown && o.LicenseId == id));
    }

    [Fact]
    public void Evaluate_DistillingQwen72B_AddsBuiltWithQwen()
    {
        var served = Evaluate(Profiles.Startup, "Qwen/Qwen2.5-72B-Instruct", "other", "qwen");
        var distilled = Evaluate(Profiles.Distiller, "Qwen/Qwen2.5-72B-Instruct", "other", "qwen");

        Assert.DoesNotContain(served.Obligations, o => o.Code == LicenseCodes.Attribution);
        Assert.Contains(distilled.Obligations, o => o.Code == LicenseCodes.Attribution && o.Text.Contains("Built with Qwen", StringComparison.Ordinal));
        Assert.Contains(served.Obligations, o => o.Code == LicenseCodes.ExportControl);
    }

    [Fact]
    public void Evaluate_MrlOutputs_ForbiddenCommerciallyAndResearchOnlyForALab()
    {
        var commercial = Evaluate(Profiles.Distiller, "mistralai/Ministral-8B-Instruct-2410", "other", "mrl");
        var lab = Evaluate(Profiles.ResearchLab with { IntendedUses = [IntendedUse.Research, IntendedUse.Distillation] },
            "mistralai/Ministral-8B-Instruct-2410", "other", "mrl");

        Assert.Equal(LicenseOutcome.Forbidden, Single(commercial, LicenseCodes.OutputTraining).Outcome);
        Assert.Equal(LicenseOutcome.NeedsReview, Single(lab, LicenseCodes.OutputTraining).Outcome);
        Assert.Equal(LicenseOutcome.NeedsReview, lab.Outcome);
    }

    [Fact]
    public void Evaluate_OutputTermsNotRecorded_NeedReviewWhenTraining()
    {
        var verdict = Evaluate(Profiles.Distiller, "bigscience/bloom", "bigscience-openrail-m");

        Assert.Equal(LicenseOutcome.NeedsReview, Single(verdict, LicenseCodes.OutputTraining).Outcome);
        Assert.Equal(LicenseOutcome.NeedsReview, Single(verdict, LicenseCodes.NeedsVerification).Outcome);
        Assert.Contains(verdict.Obligations, o => o.Code == LicenseCodes.FlowDown);
    }

    [Fact]
    public void Evaluate_Gemma_FlagsRemoteRevocationAndPassesTheRestrictionsOn()
    {
        var verdict = Evaluate(Profiles.Startup, "google/gemma-2-9b-it", "gemma");

        Assert.Equal(LicenseOutcome.NeedsReview, Single(verdict, LicenseCodes.RemoteRevocation).Outcome);
        Assert.Contains(verdict.Obligations, o => o.Code == LicenseCodes.FlowDown && o.Text.Contains("§3.2", StringComparison.Ordinal));
        Assert.Contains(verdict.Obligations, o => o.Code == LicenseCodes.Notice && o.Text.Contains("Gemma Terms of Use found at ai.google.dev/gemma/terms", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tiiuae/Falcon3-7B-Instruct", "other", "falcon-llm-license")]
    [InlineData("google/gemma-4-27b-it", "apache-2.0", null)]
    [InlineData("deepseek-ai/DeepSeek-V3-0324", "mit", null)]
    public void Evaluate_VerifyRows_NeedReview(string modelId, string license, string? licenseName)
    {
        var verdict = Evaluate(Profiles.Startup, modelId, license, licenseName);

        Assert.Equal(LicenseOutcome.NeedsReview, verdict.Outcome);
        Assert.Equal(LicenseOutcome.NeedsReview, Single(verdict, LicenseCodes.NeedsVerification).Outcome);
    }

    [Fact]
    public void Evaluate_Falcon180BUnknownOnTheCard_ChecksTheTableLicenceToo()
    {
        var verdict = Evaluate(Profiles.Startup, "tiiuae/falcon-180B-chat", "unknown");

        var unknown = Single(verdict, LicenseCodes.UnknownLicense);
        Assert.Equal("falcon-180b-license", unknown.LicenseId);
        Assert.Contains("the policy table lists it under the Falcon-180B TII License", unknown.Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Clauses, c => c.Code == LicenseCodes.NeedsVerification);
        Assert.Contains(verdict.Obligations, o => o.Code == LicenseCodes.AcceptableUse);
    }

    [Fact]
    public void Evaluate_CardDisagreesWithTheTable_NeedsReview()
    {
        var verdict = Evaluate(Profiles.Startup, "Qwen/Qwen2.5-3B-Instruct", "apache-2.0");

        var clause = Single(verdict, LicenseCodes.ExpectedLicense);
        Assert.Equal(LicenseOutcome.NeedsReview, clause.Outcome);
        Assert.Contains("qwen-research", clause.Reason, StringComparison.Ordinal);
        Assert.Equal(LicenseOutcome.NeedsReview, verdict.Outcome);
    }

    public static TheoryData<string, string?, string?> UnknownDeclarations => new()
    {
        { "acme/a", null, null },
        { "acme/b", "unknown", null },
        { "acme/c", "other", null },
        { "acme/d", "other", "acme-proprietary" },
        { "acme/e", "gpl-3.0", null },
        { "acme/f", "", "" },
    };

    [Theory]
    [MemberData(nameof(UnknownDeclarations))]
    public void Evaluate_UnknownLicence_IsNeverAllowed(string modelId, string? license, string? licenseName)
    {
        foreach (var profile in new[] { Profiles.Startup, Profiles.Giant, Profiles.EuCompany, Profiles.ResearchLab, Profiles.Distiller })
        {
            var verdict = Evaluate(profile, modelId, license, licenseName);

            Assert.NotEqual(LicenseOutcome.Allowed, verdict.Outcome);
            var clause = Single(verdict, LicenseCodes.UnknownLicense);
            Assert.Equal(LicenseOutcome.NeedsReview, clause.Outcome);
            Assert.Null(clause.LicenseId);
        }
    }

    [Fact]
    public void Evaluate_IsDeterministicAndIgnoresTheOrderOfUses()
    {
        LicenseSubject[] chain =
        [
            new("acme/Acme-Chat-8B", "other", "tongyi-qianwen", false, null),
            new("Qwen/Qwen2.5-7B-Instruct", "apache-2.0", null, false, null),
        ];
        var a = Profiles.Distiller with { IntendedUses = [IntendedUse.Production, IntendedUse.Distillation, IntendedUse.FineTuning] };
        var b = Profiles.Distiller with { IntendedUses = [IntendedUse.FineTuning, IntendedUse.Distillation, IntendedUse.Production, IntendedUse.Production] };

        var first = LicensePolicy.Evaluate(chain, a);
        var second = LicensePolicy.Evaluate(chain, a);
        var reordered = LicensePolicy.Evaluate(chain, b);

        Assert.Equal(first.Outcome, second.Outcome);
        Assert.Equal(first.Clauses, second.Clauses);
        Assert.Equal(first.Obligations, second.Obligations);
        Assert.Equal(first.Clauses, reordered.Clauses);
        Assert.Equal(first.Obligations, reordered.Obligations);
    }

    [Fact]
    public void Evaluate_EmptyChain_Throws() =>
        Assert.Throws<ArgumentException>(() => LicensePolicy.Evaluate([], Profiles.Startup));

    [Fact]
    public void Evaluate_OverriddenCatalog_IsUsed()
    {
        var confirmed = LicenseCatalog.Default.Get("falcon-llm-license")! with { NeedsLegalVerification = false, VerificationNote = null };
        var catalog = LicenseCatalog.Default.With([confirmed]);

        var verdict = LicensePolicy.Evaluate([new LicenseSubject("tiiuae/Falcon3-7B-Instruct", "other", "falcon-llm-license", false, null)], Profiles.Startup, catalog);

        Assert.DoesNotContain(verdict.Clauses, c => c.Code == LicenseCodes.NeedsVerification);
    }
}
