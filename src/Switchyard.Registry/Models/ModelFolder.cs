using Switchyard.Registry.Scanning;

namespace Switchyard.Registry.Models;

/// <summary>
/// A local model folder in the Hugging Face layout, read by <see cref="ModelFolderReader"/>: its files with their
/// hashes and scan results, and what the card, <c>config.json</c>, licence file and GGUF metadata say.
/// </summary>
public sealed record ModelFolder
{
    /// <summary>The folder's full path.</summary>
    public required string Path { get; init; }

    /// <summary>Every regular file under the folder, recursively (<c>.git/</c> and <c>.cache/</c> left out), sorted by path.</summary>
    public required IReadOnlyList<ModelFile> Files { get; init; }

    /// <summary>The weight scanner's report over <see cref="Files"/>.</summary>
    public required ScanReport Scan { get; init; }

    /// <summary>The front matter of <c>README.md</c>, or null when there is no <c>README.md</c>.</summary>
    public ModelCard? Card { get; init; }

    /// <summary>The reading of <c>config.json</c>, or null when there is none.</summary>
    public ModelConfigInfo? Config { get; init; }

    /// <summary>Every GGUF file that parsed, with its metadata.</summary>
    public IReadOnlyList<ModelGgufFile> Gguf { get; init; } = [];

    /// <summary>The licence file (the first of <see cref="LicenseFiles"/>), or null.</summary>
    public ModelLicenseFile? LicenseFile { get; init; }

    /// <summary>Every licence file at the root, <c>LICENSE</c> first, then <c>LICENSE.md</c>, <c>LICENSE.txt</c>, then the others by name.</summary>
    public IReadOnlyList<ModelLicenseFile> LicenseFiles { get; init; } = [];

    /// <summary>The distinct formats of the weight files (<see cref="WeightFormat"/>), sorted.</summary>
    public IReadOnlyList<string> Formats { get; init; } = [];

    /// <summary>Every statement of the licence: the card's, each licence file's detected id, each GGUF file's. Not normalised.</summary>
    public IReadOnlyList<DeclaredLicense> DeclaredLicenses { get; init; } = [];

    /// <summary>The card's <c>base_model</c> ids, then the GGUF files' base models as <c>org/name</c>, without duplicates (case-insensitive).</summary>
    public IReadOnlyList<string> BaseModels { get; init; } = [];

    /// <summary>
    /// The parameter count: from GGUF tensor infos, else from safetensors headers, else from <c>config.json</c>
    /// (<c>num_parameters</c> or an estimate). Shards of one model are added up; of several models (quantisations) the largest is taken.
    /// </summary>
    public long? ParameterCount { get; init; }

    /// <summary>True when <see cref="ParameterCount"/> is an estimate from <c>config.json</c> shapes.</summary>
    public bool ParameterCountEstimated { get; init; }

    /// <summary>Where <see cref="ParameterCount"/> came from: <c>gguf</c>, <c>safetensors</c>, <c>config.json</c>, <c>config.json estimate</c>, or null.</summary>
    public string? ParameterCountSource { get; init; }

    /// <summary>What is wrong with or missing from the folder, one sentence each, naming the file.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}
