namespace Switchyard.Registry.Scanning.Gguf;

/// <summary>What a GGUF file says about the model it holds, from its metadata (never from the file name).</summary>
/// <param name="Architecture"><c>general.architecture</c>, if present.</param>
/// <param name="Name"><c>general.name</c>, if present.</param>
/// <param name="ParameterCount">The sum of the tensors' element counts (computed from the tensor infos).</param>
/// <param name="License"><c>general.license</c> (an SPDX expression by the spec), if present.</param>
/// <remarks>
/// The keys past the four positional ones are init-only, so that the four-argument form keeps meaning "a file without
/// them". Equality compares <see cref="BaseModels"/> element by element.
/// </remarks>
public sealed record GgufModelInfo(string? Architecture, string? Name, long ParameterCount, string? License)
{
    /// <summary><c>general.license.name</c> (a human-readable licence name, for licences without an SPDX id), if present.</summary>
    public string? LicenseName { get; init; }

    /// <summary><c>general.license.link</c> (a URL to the licence), if present.</summary>
    public string? LicenseLink { get; init; }

    /// <summary>
    /// The <c>general.base_model.{i}.*</c> entries, by index: those below <c>general.base_model.count</c> when the
    /// count is given, otherwise every index that has a key. Indices below the count without any key are left out.
    /// </summary>
    public IReadOnlyList<GgufBaseModel> BaseModels { get; init; } = [];

    /// <summary><c>general.base_model.count</c> as declared, if present (it can disagree with <see cref="BaseModels"/>).</summary>
    public ulong? BaseModelCount { get; init; }

    /// <summary><c>general.basename</c> (the model family without size or fine-tune, such as "Qwen2.5"), if present.</summary>
    public string? BaseName { get; init; }

    /// <summary><c>general.size_label</c> (such as "7B" or "8x7B"), if present.</summary>
    public string? SizeLabel { get; init; }

    /// <summary><c>general.finetune</c> (such as "Instruct"), if present.</summary>
    public string? Finetune { get; init; }

    /// <summary><c>general.organization</c>, if present.</summary>
    public string? Organization { get; init; }

    /// <summary><c>general.quantized_by</c> (who made the quantisation), if present.</summary>
    public string? QuantizedBy { get; init; }

    /// <summary><c>general.file_type</c> (llama.cpp's <c>llama_ftype</c>: 1 F16, 7 Q8_0, 15 Q4_K_M...), if present as a UINT32.</summary>
    public uint? FileType { get; init; }

    /// <inheritdoc/>
    public bool Equals(GgufModelInfo? other) =>
        other is not null
        && Architecture == other.Architecture && Name == other.Name && ParameterCount == other.ParameterCount
        && License == other.License && LicenseName == other.LicenseName && LicenseLink == other.LicenseLink
        && BaseModels.SequenceEqual(other.BaseModels) && BaseModelCount == other.BaseModelCount
        && BaseName == other.BaseName && SizeLabel == other.SizeLabel && Finetune == other.Finetune
        && Organization == other.Organization && QuantizedBy == other.QuantizedBy && FileType == other.FileType;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Architecture, Name, ParameterCount, License, LicenseName, BaseModels.Count, FileType);
}
