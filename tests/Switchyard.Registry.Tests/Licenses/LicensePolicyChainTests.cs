using Switchyard.Registry.Licenses;

namespace Switchyard.Registry.Tests.Licenses;

public sealed class LicensePolicyChainTests
{
    private static readonly LicenseSubject Llama31Base = new("meta-llama/Llama-3.1-8B", "llama3.1", null, false, null);
    private static readonly LicenseSubject Qwen25Base = new("Qwen/Qwen2.5-7B-Instruct", "apache-2.0", null, false, null);

    [Fact]
    public void Evaluate_R1DistillLlama_IsTheUnionOfMitAndLlama31()
    {
        LicenseSubject distill = new("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "mit", null, false, null);

        var verdict = LicensePolicy.Evaluate([distill, Llama31Base], Profiles.Startup);
        var alone = LicensePolicy.Evaluate([Llama31Base], Profiles.Startup);

        Assert.Equal(LicenseOutcome.NeedsReview, verdict.Outcome);
        var mit = LicensePolicy.Evaluate([distill], Profiles.Startup);
        var naming = verdict.Obligations.Where(o => o.Code == LicenseCodes.DerivativeNaming);
        Assert.Equal(
            naming.Concat(mit.Obligations).Concat(alone.Obligations).Order(Comparer<LicenseObligation>.Create((x, y) => string.CompareOrdinal(x.Text, y.Text))),
            verdict.Obligations.Order(Comparer<LicenseObligation>.Create((x, y) => string.CompareOrdinal(x.Text, y.Text))));
        Assert.Single(naming);
        Assert.Contains(verdict.Clauses, c => c.ModelId == distill.ModelId && c.Code == LicenseCodes.PermissiveLicense);
        Assert.Contains(verdict.Clauses, c => c.ModelId == Llama31Base.ModelId && c.Code == LicenseCodes.CommunityLicense);
    }

    [Fact]
    public void Evaluate_R1DistillLlama_FlagsTheMismatchAndTheName()
    {
        LicenseSubject distill = new("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "mit", null, false, null);

        var verdict = LicensePolicy.Evaluate([distill, Llama31Base], Profiles.Startup);

        var mismatch = Assert.Single(verdict.Clauses, c => c.Code == LicenseCodes.LicenseMismatch);
        Assert.Equal((distill.ModelId, LicenseOutcome.NeedsReview), (mismatch.ModelId, mismatch.Outcome));
        var naming = Assert.Single(verdict.Clauses, c => c.Code == LicenseCodes.DerivativeNaming);
        Assert.Equal((distill.ModelId, LicenseOutcome.NeedsReview, "mit"), (naming.ModelId, naming.Outcome, naming.LicenseId));
        Assert.Contains("\"DeepSeek-R1-Distill-Llama-8B\" does not start with it", naming.Reason, StringComparison.Ordinal);
        Assert.Contains(verdict.Obligations, o => o.Code == LicenseCodes.DerivativeNaming && o.LicenseId == "llama3.1" && o.Text.Contains(distill.ModelId, StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_R1DistillQwen_BothPermissive_IsAllowedWithBothNotices()
    {
        LicenseSubject distill = new("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "mit", null, false, null);
        LicenseSubject math = new("Qwen/Qwen2.5-Math-7B", "apache-2.0", null, false, null);

        var verdict = LicensePolicy.Evaluate([distill, math], Profiles.Startup);

        Assert.Equal(LicenseOutcome.Allowed, verdict.Outcome);
        Assert.Equal(LicenseOutcome.Allowed, Assert.Single(verdict.Clauses, c => c.Code == LicenseCodes.LicenseMismatch).Outcome);
        Assert.Equal(["mit", "apache-2.0"], verdict.Obligations.Select(o => o.LicenseId));
    }

    [Fact]
    public void Evaluate_QwenLoraDeclaringTongyiQianwenOnApache_IsAMismatch()
    {
        LicenseSubject lora = new("someone/qwen2.5-7b-lora", "other", "tongyi-qianwen", false, null);

        var verdict = LicensePolicy.Evaluate([lora, Qwen25Base], Profiles.Startup);

        var mismatch = Assert.Single(verdict.Clauses, c => c.Code == LicenseCodes.LicenseMismatch);
        Assert.Equal((lora.ModelId, "tongyi-qianwen", LicenseOutcome.NeedsReview), (mismatch.ModelId, mismatch.LicenseId, mismatch.Outcome));
        Assert.Contains("its base Qwen/Qwen2.5-7B-Instruct is under the Apache License 2.0 (apache-2.0)", mismatch.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_FineTuneDeclaringApacheOnLlama31_IsAMismatch()
    {
        LicenseSubject finetune = new("acme/Llama-3.1-8B-Acme", "apache-2.0", null, false, null);

        var verdict = LicensePolicy.Evaluate([finetune, Llama31Base], Profiles.Startup);

        var mismatch = Assert.Single(verdict.Clauses, c => c.Code == LicenseCodes.LicenseMismatch);
        Assert.Equal((finetune.ModelId, LicenseOutcome.NeedsReview), (mismatch.ModelId, mismatch.Outcome));
        Assert.DoesNotContain(verdict.Clauses, c => c.Code == LicenseCodes.DerivativeNaming);
    }

    [Fact]
    public void Evaluate_QuantisationsAndTheLicensorsOwnNames_NeedNoRenaming()
    {
        LicenseSubject gguf = new("bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "llama3.1", null, false, "Llama 3.1 8B Instruct");
        LicenseSubject instruct = new("meta-llama/Meta-Llama-3.1-8B-Instruct", "llama3.1", null, false, null);
        LicenseSubject baseModel = new("meta-llama/Meta-Llama-3.1-8B", "llama3.1", null, false, null);

        var verdict = LicensePolicy.Evaluate([gguf, instruct, baseModel], Profiles.Startup);

        Assert.DoesNotContain(verdict.Clauses, c => c.Code is LicenseCodes.DerivativeNaming or LicenseCodes.LicenseMismatch);
        Assert.Equal(LicensePolicy.Evaluate([baseModel], Profiles.Startup).Obligations, verdict.Obligations);
        Assert.Equal(3, verdict.Clauses.Count(c => c.Code == LicenseCodes.CommunityLicense));
    }

    [Fact]
    public void Evaluate_ForbiddenBase_ForbidsTheDerivative()
    {
        LicenseSubject merge = new("acme/merged-8b", "apache-2.0", null, false, null);
        LicenseSubject mrl = new("mistralai/Ministral-8B-Instruct-2410", "other", "mrl", false, null);

        var verdict = LicensePolicy.Evaluate([merge, mrl], Profiles.Startup);

        Assert.Equal(LicenseOutcome.Forbidden, verdict.Outcome);
        var forbidden = Assert.Single(verdict.ClausesWith(LicenseOutcome.Forbidden));
        Assert.Equal((mrl.ModelId, LicenseCodes.NonCommercial), (forbidden.ModelId, forbidden.Code));
    }

    [Fact]
    public void Evaluate_UnknownDerivativeOfAPermissiveBase_IsNotAllowed()
    {
        LicenseSubject adapter = new("acme/adapter", "other", null, false, null);

        var verdict = LicensePolicy.Evaluate([adapter, Qwen25Base], Profiles.Startup);

        Assert.Equal(LicenseOutcome.NeedsReview, verdict.Outcome);
        Assert.Equal(adapter.ModelId, Assert.Single(verdict.Clauses, c => c.Code == LicenseCodes.UnknownLicense).ModelId);
        Assert.Contains(verdict.Obligations, o => o.LicenseId == "apache-2.0");
    }

    [Fact]
    public void Evaluate_GigantFineTuningAChain_ForbidsAtEveryLlamaLink()
    {
        LicenseSubject finetune = new("acme/Llama-Acme-8B", "llama3.1", null, false, null);

        var verdict = LicensePolicy.Evaluate([finetune, Llama31Base], Profiles.Giant);

        Assert.Equal([finetune.ModelId, Llama31Base.ModelId],
            verdict.ClausesWith(LicenseOutcome.Forbidden).Where(c => c.Code == LicenseCodes.MauThreshold).Select(c => c.ModelId));
    }
}
