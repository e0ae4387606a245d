using Switchyard.Registry.Licenses;

namespace Switchyard.Registry.Tests.Licenses;

public sealed class LicenseExplainerTests
{
    private static IReadOnlyList<string> Explain(OrganisationProfile profile, params LicenseSubject[] chain) =>
        LicenseExplainer.Explain(LicensePolicy.Evaluate(chain, profile));

    [Fact]
    public void Explain_MrlInProduction_SaysWhyInPlainWords()
    {
        var lines = Explain(Profiles.Startup, new LicenseSubject("mistralai/Ministral-8B-Instruct-2410", "other", "mrl", false, null));

        Assert.Equal("Verdict: Forbidden (1 clause forbids).", lines[0]);
        Assert.Equal(
            "Forbidden: mistralai/Ministral-8B-Instruct-2410 is under the Mistral AI Research License (mrl), which allows research use only, and the organisation's profile says commercial production use.",
            lines[1]);
        Assert.Equal("Obligations to fulfil:", lines[2]);
        Assert.Equal("- Give the notice with every copy and mark modifications: \"Licensed by Mistral AI under the Mistral AI Research License\" [notice, mrl]", lines[3]);
    }

    [Fact]
    public void Explain_Apache_IsAllowedWithTheNotice()
    {
        var lines = Explain(Profiles.Startup, new LicenseSubject("Qwen/Qwen2.5-7B-Instruct", "apache-2.0", null, false, null));

        Assert.Equal(
        [
            "Verdict: Allowed.",
            "Allowed: Qwen/Qwen2.5-7B-Instruct is under the Apache License 2.0 (apache-2.0), a permissive licence that allows commercial use; its notice obligations apply.",
            "Obligations to fulfil:",
            "- Apache-2.0 §4: give recipients a copy of the licence, keep the attribution notices of the NOTICE file, and mark modified files as changed. [notice, apache-2.0]",
        ], lines);
    }

    [Fact]
    public void Explain_LlamaAtScale_NamesTheThresholdAndTheFigure()
    {
        var lines = Explain(Profiles.Giant, new LicenseSubject("meta-llama/Llama-3.1-8B-Instruct", "llama3.1", null, false, null));

        Assert.Equal("Verdict: Forbidden (1 clause forbids, 1 clause needs review).", lines[0]);
        Assert.Contains(
            "Forbidden: meta-llama/Llama-3.1-8B-Instruct is under the Llama 3.1 Community License (llama3.1), which grants no rights at 700,000,000 monthly active users (affiliates included) or more, and the organisation's profile says 1,000,000,000 monthly active users: it needs a separate licence from Meta.",
            lines);
    }

    [Fact]
    public void Explain_Unknown_SaysItIsNeverApprovedWithoutReview()
    {
        var lines = Explain(Profiles.Startup, new LicenseSubject("acme/mystery", "other", null, false, null));

        Assert.Equal(
        [
            "Verdict: Needs review (1 clause needs review).",
            "Needs review: acme/mystery declares license 'other', which the catalog does not know, so it is never approved without review.",
            "No obligations to fulfil.",
        ], lines);
    }

    [Fact]
    public void Explain_EuMultimodal_SaysWhichRegion()
    {
        var lines = Explain(Profiles.EuCompany, new LicenseSubject("meta-llama/Llama-3.2-11B-Vision-Instruct", "llama3.2", null, true, null));

        var line = Assert.Single(lines, l => l.StartsWith("Forbidden:", StringComparison.Ordinal));
        Assert.Contains("multimodal model under the Llama 3.2 Community License (llama3.2)", line, StringComparison.Ordinal);
        Assert.EndsWith("and the organisation's profile lists DE.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ResearchLab_DescribesANonCommercialProfile()
    {
        var lines = Explain(Profiles.ResearchLab, new LicenseSubject("CohereForAI/c4ai-command-r-v01", "cc-by-nc-4.0", null, false, null));

        Assert.Contains(
            "Needs review: CohereForAI/c4ai-command-r-v01 is under the Creative Commons Attribution-NonCommercial 4.0 (cc-by-nc-4.0), which allows non-commercial use only, and the organisation's profile says non-commercial research use: a research sandbox only, once legal confirms the use fits the licence.",
            lines);
    }
}
