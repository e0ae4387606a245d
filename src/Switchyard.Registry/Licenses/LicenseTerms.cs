namespace Switchyard.Registry.Licenses;

/// <summary>
/// The machine-checkable terms of one licence version: one row of the policy table (governance section 4.2), with the
/// attributes section 4.3 asks to capture.
/// </summary>
/// <remarks>Legal confirms each row against the licence text at the pinned commit; the catalog is a reading, not the licence.</remarks>
public sealed record LicenseTerms
{
    /// <summary>Canonical id: the Hub's id where one exists (<c>apache-2.0</c>, <c>llama3.1</c>), else the slug seen on cards (<c>mrl</c>, <c>qwen</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The licence's own name, such as "Llama 3.1 Community License".</summary>
    public required string Name { get; init; }

    /// <summary>Who grants the licence ("Meta", "Alibaba Cloud"), for the reasons a verdict gives; null when it varies.</summary>
    public string? Licensor { get; init; }

    /// <summary>The class that decides the default action.</summary>
    public required LicenseClass Class { get; init; }

    /// <summary>Whether the licence allows commercial use at all.</summary>
    public bool CommercialUse { get; init; }

    /// <summary>What the licence allows when it does not allow commercial use, such as "research use only"; null when it does.</summary>
    public string? PermittedUse { get; init; }

    /// <summary>Monthly active users at which the threshold applies: 700,000,000 for Llama, 100,000,000 for Qwen and Kimi.</summary>
    public long? MonthlyActiveUserThreshold { get; init; }

    /// <summary>Monthly revenue in US dollars at which the threshold applies: 20,000,000 for Kimi.</summary>
    public decimal? MonthlyRevenueThresholdUsd { get; init; }

    /// <summary>What reaching a threshold does.</summary>
    public ThresholdEffect ThresholdEffect { get; init; }

    /// <summary>The duty a reached <see cref="ThresholdEffect.AddsObligation"/> threshold adds, such as showing "Kimi K2" in the user interface.</summary>
    public string? ThresholdObligation { get; init; }

    /// <summary>A note on how the threshold is measured (on the release date, affiliates included...).</summary>
    public string? ThresholdNote { get; init; }

    /// <summary>The notice text the licence prescribes word for word, if any.</summary>
    public string? NoticeText { get; init; }

    /// <summary>How to give notice and attribution (a copy of the licence, a NOTICE file, change marks); null when nothing is asked.</summary>
    public string? NoticeRequirement { get; init; }

    /// <summary>Whether recipients must get a copy of the licence or agreement.</summary>
    public bool RequiresLicenseCopy { get; init; }

    /// <summary>What must be displayed prominently, such as "Built with Llama".</summary>
    public string? DisplayRequirement { get; init; }

    /// <summary>Whether <see cref="DisplayRequirement"/> binds only models built or trained with this one or its outputs (Qwen §5.b).</summary>
    public bool DisplayOnlyForTrainedModels { get; init; }

    /// <summary>The prefix a derivative's name must start with, such as "Llama".</summary>
    public string? DerivativeNamePrefix { get; init; }

    /// <summary>The acceptable use policy incorporated by reference; its hash is recorded when a model is approved.</summary>
    public string? AcceptableUsePolicyUrl { get; init; }

    /// <summary>What the licence says about training other models on outputs.</summary>
    public OutputUse OutputUse { get; init; }

    /// <summary>Regions whose organisations the licence grants no rights to, such as <c>EU</c>.</summary>
    public IReadOnlyList<string> RestrictedRegions { get; init; } = [];

    /// <summary>Whether <see cref="RestrictedRegions"/> applies to multimodal models only (Llama 3.2).</summary>
    public bool RegionRestrictionOnlyMultimodal { get; init; }

    /// <summary>Whether every model under this licence is multimodal, whatever the card says (Llama 4).</summary>
    public bool AlwaysMultimodal { get; init; }

    /// <summary>Whether the licence's use restrictions must be passed on to recipients and users as enforceable terms.</summary>
    public bool FlowDownRequired { get; init; }

    /// <summary>What to pass on, when <see cref="FlowDownRequired"/>.</summary>
    public string? FlowDownText { get; init; }

    /// <summary>Whether the licensor reserves the right to restrict use remotely (Gemma).</summary>
    public bool RemoteRevocation { get; init; }

    /// <summary>Further duties with their codes, such as Qwen's export control (§5.a).</summary>
    public IReadOnlyList<LicenseObligation> AdditionalObligations { get; init; } = [];

    /// <summary>Where the terms come from (the policy table's Source column).</summary>
    public string Source { get; init; } = "";

    /// <summary>Whether the row is marked "verify" or is not in the policy table, so legal must confirm it before any approval.</summary>
    public bool NeedsLegalVerification { get; init; }

    /// <summary>What legal must verify, when <see cref="NeedsLegalVerification"/>.</summary>
    public string? VerificationNote { get; init; }

    /// <summary>Other spellings that mean this licence (Hub slugs, SPDX ids, names); matched case- and separator-insensitively.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
}
