namespace Switchyard.Registry.Bom;

/// <summary>
/// One registry model as <see cref="CycloneDxWriter"/> sees it: the registry maps its records to this shape, so the BOM
/// writer does not depend on how the registry stores them.
/// </summary>
/// <remarks>
/// Hashes (<see cref="BomFile.Sha256"/>, <see cref="LicenseTextSha256"/>) must be 64 hex digits; <see cref="Id"/> must
/// be unique among the models of one BOM. <see cref="CycloneDxWriter"/> checks both before it writes a byte.
/// </remarks>
public sealed record BomModel
{
    /// <summary>The registry id, e.g. <c>llama-3.1-8b-instruct</c>; the component's <c>bom-ref</c> is <c>model:</c> + this.</summary>
    public required string Id { get; init; }

    /// <summary>The display name, the component's <c>name</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The pinned revision (a 40-hex Hub commit) or an internal version; the component's <c>version</c>.</summary>
    public string? Version { get; init; }

    /// <summary>The model family, e.g. <c>llama</c>; <c>modelCard.modelParameters.architectureFamily</c>.</summary>
    public string? Family { get; init; }

    /// <summary>The architecture class, e.g. <c>LlamaForCausalLM</c>; <c>modelCard.modelParameters.modelArchitecture</c>.</summary>
    public string? Architecture { get; init; }

    /// <summary>The number of parameters, when known.</summary>
    public long? ParameterCount { get; init; }

    /// <summary>The task, e.g. <c>text-generation</c>; <c>modelCard.modelParameters.task</c>.</summary>
    public string? Task { get; init; }

    /// <summary>
    /// Where the model comes from: <c>hf://{org}/{name}</c> (optionally <c>@{commit}</c>) for a Hub repository, or null
    /// when the model was built in house.
    /// </summary>
    public string? SourceRepository { get; init; }

    /// <summary>The web page of the source, e.g. <c>https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct</c>.</summary>
    public string? SourceUrl { get; init; }

    /// <summary>The registry's canonical licence id (<c>apache-2.0</c>, <c>llama3.1</c>, <c>mrl</c>); not necessarily SPDX.</summary>
    public string? LicenseId { get; init; }

    /// <summary>The licence's full name, e.g. <c>Llama 3.1 Community License</c>.</summary>
    public string? LicenseName { get; init; }

    /// <summary>The SHA-256 of the licence text the legal approval was given for.</summary>
    public string? LicenseTextSha256 { get; init; }

    /// <summary>What the model is approved for, in words; <c>modelCard.considerations.useCases</c>.</summary>
    public string? IntendedUse { get; init; }

    /// <summary>Who answers for the model inside the organisation.</summary>
    public string? Owner { get; init; }

    /// <summary>The registry status, e.g. <c>approved</c>.</summary>
    public required string Status { get; init; }

    /// <summary>
    /// What this model derives from: ids of other models in the same BOM, or external names (<c>hf://org/name[@commit]</c>
    /// or any other name).
    /// </summary>
    public IReadOnlyList<string> BaseModels { get; init; } = [];

    /// <summary>How this model derives from <see cref="BaseModels"/>: <c>adapter</c>, <c>merge</c>, <c>quantized</c> or <c>finetune</c>.</summary>
    public string? BaseModelRelation { get; init; }

    /// <summary>The files the model is made of (weights, tokenizer, config).</summary>
    public IReadOnlyList<BomFile> Files { get; init; } = [];

    /// <summary>The scan the approval rests on, when there was one.</summary>
    public BomScan? Scan { get; init; }

    /// <summary>The licence's duties, in words (attribution, naming, use restrictions).</summary>
    public IReadOnlyList<string> Obligations { get; init; } = [];

    /// <summary>Who approved the model, in which role, when and why.</summary>
    public IReadOnlyList<BomApproval> Approvals { get; init; } = [];
}
