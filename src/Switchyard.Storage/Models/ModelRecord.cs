namespace Switchyard.Storage.Models;

/// <summary>Where a registry model stands: <c>proposed → scanned → approved | rejected</c>, then <c>deprecated</c> or <c>revoked</c>.</summary>
public enum ModelStatus
{
    /// <summary>Registered, not yet scanned.</summary>
    Proposed,

    /// <summary>Its files were hashed and scanned; it waits for the licence and security sign-offs.</summary>
    Scanned,

    /// <summary>Both sign-offs given: deployments may serve it.</summary>
    Approved,

    /// <summary>Refused by legal or security; never served.</summary>
    Rejected,

    /// <summary>Still served, but on its way out: configurations that use it get a warning.</summary>
    Deprecated,

    /// <summary>Withdrawn: taken out of routing at once, never served again.</summary>
    Revoked,
}

/// <summary>One file of a model, as hashed when it was registered.</summary>
/// <param name="Path">Relative to the model's folder, with '/'.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Sha256">Lowercase hex.</param>
/// <param name="Format">What the scanner found it to be (<c>safetensors</c>, <c>gguf</c>, <c>pickle</c>, <c>json</c>, ...).</param>
public sealed record ModelFile(string Path, long Size, string Sha256, string Format);

/// <summary>A licence a model declares, and where it says so.</summary>
/// <param name="Source"><c>README.md</c> (the card's front matter), <c>LICENSE</c> (recognised from its text) or a GGUF file's path.</param>
/// <param name="License">The id as written (<c>license</c>, <c>general.license</c>).</param>
/// <param name="LicenseName">The custom name (<c>license_name</c>, <c>general.license.name</c>), if any.</param>
public sealed record DeclaredLicense(string Source, string? License, string? LicenseName);

/// <summary>What the weight-file scanner said when the model was registered.</summary>
/// <param name="Scanner">The scanner's name and version.</param>
/// <param name="At">When it ran.</param>
/// <param name="Verdict"><c>clean</c>, <c>findings</c> or <c>error</c>.</param>
/// <param name="Findings">Findings above informational.</param>
/// <param name="Summary">The findings and errors in words, one a line (at most a few dozen).</param>
public sealed record ModelScan(string Scanner, DateTimeOffset At, string Verdict, int Findings, IReadOnlyList<string> Summary);

/// <summary>A sign-off: the licence (by legal, or by the policy when it allows the licence outright) or the scan (by security, or by the scanner when clean).</summary>
/// <param name="Actor">Who: <c>cli:alice</c>, a key id, or <c>license-policy</c> / <c>scanner</c> for an automatic one.</param>
/// <param name="At">When.</param>
/// <param name="Reason">Why, in the signer's words.</param>
/// <param name="Verdict">For the licence: the policy's verdict at the time (<c>allowed</c>, <c>needs-review</c>); for the scan: <c>clean</c> or <c>accepted</c> (findings accepted with the reason).</param>
public sealed record SignOff(string Actor, DateTimeOffset At, string Reason, string Verdict);

/// <summary>A change of a model's status: who, when, why, from and to.</summary>
public sealed record ModelDecision(DateTimeOffset At, string Actor, string Role, string Action, ModelStatus From, ModelStatus To, string Reason);

/// <summary>
/// A model of the registry: what it is, where it comes from, every file's hash, its licence, and where it stands. Records
/// are replaced whole on each decision (with <see cref="Revision"/> checked, so two approvers cannot overwrite each other);
/// the decisions and the audit trail keep the history.
/// </summary>
public sealed record ModelRecord
{
    /// <summary>The registry's id, which deployments name (<c>deployments.NAME.registry_model</c>).</summary>
    public required string Id { get; init; }

    /// <summary>A name for people (the card's or the GGUF's name), or the id.</summary>
    public required string Name { get; init; }

    /// <summary>The family: <c>llama</c>, <c>mistral</c>, <c>qwen2</c> (the config's <c>model_type</c>), if known.</summary>
    public string? Family { get; init; }

    /// <summary>The models this one derives from (adapters, fine-tunes, quantisations name their base): registry ids or hub names.</summary>
    public IReadOnlyList<string> BaseModels { get; init; } = [];

    /// <summary><c>adapter</c>, <c>merge</c>, <c>quantized</c> or <c>finetune</c>, when it derives from another.</summary>
    public string? BaseRelation { get; init; }

    /// <summary>Parameters, if known.</summary>
    public long? ParameterCount { get; init; }

    /// <summary>Whether <see cref="ParameterCount"/> is estimated from the configuration rather than counted from the weights.</summary>
    public bool ParameterCountEstimated { get; init; }

    /// <summary>The architecture (<c>LlamaForCausalLM</c>, a GGUF's <c>general.architecture</c>).</summary>
    public string? Architecture { get; init; }

    /// <summary>What it does, as the card's <c>pipeline_tag</c> says (<c>text-generation</c>, <c>feature-extraction</c>), if it says.</summary>
    public string? PipelineTag { get; init; }

    /// <summary>Whether the model reads images or audio (it matters to licences such as Llama 3.2's in the EU).</summary>
    public bool Multimodal { get; init; }

    /// <summary>The weight formats (<c>safetensors</c>, <c>gguf</c>, ...).</summary>
    public IReadOnlyList<string> Formats { get; init; } = [];

    /// <summary>The hub repository (<c>hf://org/name</c>), or <see langword="null"/> for an internal model.</summary>
    public string? SourceRepository { get; init; }

    /// <summary>The pinned revision: a 40-hex commit for a hub repository, or an internal version.</summary>
    public string? SourceRevision { get; init; }

    /// <summary>Every file, hashed.</summary>
    public IReadOnlyList<ModelFile> Files { get; init; } = [];

    /// <summary>The licence's canonical id in the catalog, or the id as declared when the catalog does not know it.</summary>
    public string? LicenseId { get; init; }

    /// <summary>The licence's custom name (<c>license_name</c>), if any.</summary>
    public string? LicenseName { get; init; }

    /// <summary>SHA-256 (hex) of the licence text shipped with the model, if any.</summary>
    public string? LicenseTextSha256 { get; init; }

    /// <summary>Every licence the model declares (card, LICENSE text, GGUF metadata), to show where they disagree.</summary>
    public IReadOnlyList<DeclaredLicense> DeclaredLicenses { get; init; } = [];

    /// <summary>What it is meant for, in words.</summary>
    public string? IntendedUse { get; init; }

    /// <summary>The person or team answerable for it.</summary>
    public string? Owner { get; init; }

    /// <summary>Where it stands.</summary>
    public ModelStatus Status { get; init; }

    /// <summary>The scan, once run.</summary>
    public ModelScan? Scan { get; init; }

    /// <summary>The licence sign-off, once given.</summary>
    public SignOff? LicenseSignOff { get; init; }

    /// <summary>The security sign-off, once given.</summary>
    public SignOff? SecuritySignOff { get; init; }

    /// <summary>What the registration found worth a look (licences that disagree, a missing licence file, ...).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>When it was registered.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset Updated { get; init; }

    /// <summary>Bumped by every write; a write that expected another revision is refused.</summary>
    public int Revision { get; init; }
}
