using System.Text;
using System.Text.RegularExpressions;
using Switchyard.Registry.Internal;
using Switchyard.Registry.Models.Internal;
using Switchyard.Registry.Scanning;
using Switchyard.Registry.Scanning.Manifest;

namespace Switchyard.Registry.Models;

/// <summary>Reads a local model folder (Hugging Face layout) into a <see cref="ModelFolder"/> the registry can store.</summary>
/// <remarks>
/// <code>
/// folder ──► files (recursive, sorted; .git/ .cache/ and symlinked folders left out) ──► WeightScanner (format, findings, SHA-256)
///   │            └─ files the scanner could not hash ──► FileHasher (streamed SHA-256)
///   ├─ README.md ──► ModelCardReader        ├─ config.json ──► ModelConfigReader
///   ├─ LICENSE*  ──► LicenseTextDetector    └─ *.gguf      ──► the scanner's GgufModelInfo
///   └──► declared licences, base models, formats, parameter count (gguf ▸ safetensors headers ▸ config) and problems
/// </code>
/// Never throws for a bad folder (bad files are <see cref="ModelFolder.Problems"/> or scan findings), only for a path
/// that is not a folder. Licence statements are collected as written; comparing them is the licence catalog's job.
/// </remarks>
public static partial class ModelFolderReader
{
    /// <summary>Largest <c>README.md</c> read; the front matter is at the top, so a longer card is read up to this size.</summary>
    public const int MaxCardBytes = 16 << 20;

    /// <summary>Largest <c>config.json</c> read (the scanner's limit for Hugging Face JSON files).</summary>
    public const int MaxConfigBytes = 128 << 20;

    private const int MaxFolderDepth = 64;
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static readonly string[] SkippedFolders = [".git", ".cache"];

    /// <summary>Reads the folder at <paramref name="path"/>, scanning every file with <paramref name="scanner"/>.</summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="path"/> is not an existing folder.</exception>
    public static async Task<ModelFolder> ReadAsync(string path, WeightScanner scanner, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(scanner);
        var root = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException(File.Exists(root)
                ? $"'{path}' is a file, not a folder: give the folder that holds the model (config.json, README.md, the weight files)"
                : $"'{path}' does not exist: give the folder that holds the model (config.json, README.md, the weight files)");
        }

        var problems = new List<string>();
        var paths = new List<string>();
        Walk(new DirectoryInfo(root), root, 0, paths, problems);
        paths.Sort(StringComparer.Ordinal);
        var scan = await scanner.ScanAsync(paths, ct).ConfigureAwait(false);
        problems.AddRange(scan.Errors);

        var files = await CollectFilesAsync(root, scan, problems, ct).ConfigureAwait(false);
        var byPath = files.ToDictionary(f => f.Path, StringComparer.Ordinal);

        var card = await ReadCardAsync(root, files, problems, ct).ConfigureAwait(false);
        var config = await ReadConfigAsync(root, files, problems, ct).ConfigureAwait(false);
        var gguf = new List<ModelGgufFile>();
        foreach (var result in scan.Files)
        {
            if (result.Model is { } info)
            {
                gguf.Add(new ModelGgufFile(Relative(root, result.Path), info));
            }
        }
        var licenseFiles = await ReadLicenseFilesAsync(root, files, problems, ct).ConfigureAwait(false);
        var declared = Declared(card, licenseFiles, gguf);
        var formats = Formats(files);
        var (parameters, source) = Parameters(root, files, gguf, config, problems);

        if (formats.Count == 0)
        {
            problems.Add("no weight files (safetensors, gguf, pytorch .bin/.pt, onnx...): the folder holds no model");
        }
        if (declared.Count == 0 && licenseFiles.Count == 0)
        {
            problems.Add("no licence anywhere: no 'license' in README.md's front matter, no LICENSE file, no general.license in a GGUF file");
        }
        else if (declared.Count == 0)
        {
            problems.Add($"the licence is not stated: {licenseFiles[0].Path} is not a licence this reader recognises, and README.md gives no 'license'");
        }
        if (card?.LicenseLink is { } link && !link.Contains("://", StringComparison.Ordinal) && !link.StartsWith('#')
            && !byPath.ContainsKey(link.TrimStart('.', '/')))
        {
            problems.Add($"README.md: license_link '{link}' names a file that is not in the folder");
        }

        return new ModelFolder
        {
            Path = root,
            Files = files,
            Scan = scan,
            Card = card,
            Config = config,
            Gguf = gguf,
            LicenseFile = licenseFiles.Count > 0 ? licenseFiles[0] : null,
            LicenseFiles = licenseFiles,
            Formats = formats,
            DeclaredLicenses = declared,
            BaseModels = BaseModels(card, gguf),
            ParameterCount = parameters,
            ParameterCountEstimated = source == "config.json estimate",
            ParameterCountSource = source,
            Problems = problems,
        };
    }

    // SECURITY: like the scanner, symlinked folders are not followed (loops, escapes); symlinked files are (the Hub cache links to blobs).
    private static void Walk(DirectoryInfo folder, string root, int depth, List<string> files, List<string> problems)
    {
        if (depth > MaxFolderDepth)
        {
            problems.Add($"{Relative(root, folder.FullName)}/: deeper than {MaxFolderDepth} folders, not read");
            return;
        }
        try
        {
            foreach (var entry in folder.EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo sub)
                {
                    if (Array.IndexOf(SkippedFolders, sub.Name) >= 0)
                    {
                        continue;
                    }
                    if (sub.LinkTarget is not null)
                    {
                        problems.Add($"{Relative(root, sub.FullName)}/: a symbolic link to a folder, not followed");
                        continue;
                    }
                    Walk(sub, root, depth + 1, files, problems);
                }
                else if (depth > 0 || entry.Name != ScanManifest.DefaultFileName)
                {
                    // The folder's own manifest describes the files; it is not one of them (it is rewritten with each scan).
                    files.Add(entry.FullName);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            problems.Add($"{Relative(root, folder.FullName)}/: cannot list the folder: {e.Message}");
        }
    }

    private static async Task<List<ModelFile>> CollectFilesAsync(string root, ScanReport scan, List<string> problems, CancellationToken ct)
    {
        var files = new List<ModelFile>(scan.Files.Count);
        foreach (var result in scan.Files)
        {
            var relative = Relative(root, result.Path);
            var sha = result.Sha256;
            var size = result.Size;
            if (sha is null)
            {
                // The scanner leaves the hash out of empty files, files whose analysis failed and files it could not read.
                try
                {
                    size = new FileInfo(result.Path).Length;
                    sha = size == 0 ? EmptySha256 : await FileHasher.Sha256Async(result.Path, size, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    problems.Add($"{relative}: cannot be read: {result.Error ?? e.Message}");
                }
            }
            files.Add(new ModelFile(relative, size, sha, result.Format, result.Findings));
        }
        return files;
    }

    private static async Task<ModelCard?> ReadCardAsync(string root, List<ModelFile> files, List<string> problems, CancellationToken ct)
    {
        var readme = RootFile(files, "README.md");
        if (readme is null)
        {
            return null;
        }
        var text = await ReadTextAsync(root, readme, MaxCardBytes, problems, ct).ConfigureAwait(false);
        if (text is null)
        {
            return null;
        }
        var card = ModelCardReader.Parse(text, readme.Path);
        problems.AddRange(card.Errors);
        return card;
    }

    private static async Task<ModelConfigInfo?> ReadConfigAsync(string root, List<ModelFile> files, List<string> problems, CancellationToken ct)
    {
        var file = RootFile(files, "config.json");
        if (file is null)
        {
            return null;
        }
        if (file.Size > MaxConfigBytes)
        {
            problems.Add($"{file.Path}: {file.Size} bytes, above the {MaxConfigBytes}-byte limit: not read");
            return new ModelConfigInfo { File = file.Path, Errors = [$"{file.Path}: too large to read"] };
        }
        var text = await ReadTextAsync(root, file, MaxConfigBytes, problems, ct).ConfigureAwait(false);
        if (text is null)
        {
            return new ModelConfigInfo { File = file.Path, Errors = [$"{file.Path}: cannot be read"] };
        }
        var config = ModelConfigReader.Parse(text, file.Path);
        problems.AddRange(config.Errors);
        return config;
    }

    private static async Task<List<ModelLicenseFile>> ReadLicenseFilesAsync(string root, List<ModelFile> files, List<string> problems, CancellationToken ct)
    {
        var candidates = files.Where(f => !f.Path.Contains('/', StringComparison.Ordinal) && IsLicenseName(f.Path))
            .OrderBy(f => LicenseRank(f.Path)).ThenBy(f => f.Path, StringComparer.Ordinal).ToList();
        var found = new List<ModelLicenseFile>(candidates.Count);
        foreach (var file in candidates)
        {
            // Signatures sit at the top; reading four bytes per searched char covers any UTF-8 text.
            var text = await ReadTextAsync(root, file, LicenseTextDetector.MaxSearchedChars * 4, problems, ct).ConfigureAwait(false);
            found.Add(new ModelLicenseFile(file.Path, file.Sha256, text is null ? null : LicenseTextDetector.Detect(text)));
        }
        return found;
    }

    private static bool IsLicenseName(string name) =>
        name.StartsWith("LICENSE", StringComparison.OrdinalIgnoreCase) || name.StartsWith("LICENCE", StringComparison.OrdinalIgnoreCase);

    private static int LicenseRank(string name) => name.ToUpperInvariant() switch
    {
        "LICENSE" or "LICENCE" => 0,
        "LICENSE.MD" or "LICENCE.MD" => 1,
        "LICENSE.TXT" or "LICENCE.TXT" => 2,
        _ => 3,
    };

    private static List<DeclaredLicense> Declared(ModelCard? card, List<ModelLicenseFile> licenseFiles, List<ModelGgufFile> gguf)
    {
        var declared = new List<DeclaredLicense>();
        if (card is { } c && (c.License is not null || c.LicenseName is not null))
        {
            declared.Add(new DeclaredLicense(c.File, c.License, c.LicenseName) { LicenseLink = c.LicenseLink });
        }
        foreach (var file in licenseFiles)
        {
            if (file.DetectedLicense is { } id)
            {
                declared.Add(new DeclaredLicense(file.Path, id, null));
            }
        }
        foreach (var g in gguf)
        {
            var license = Trimmed(g.Info.License);
            var name = Trimmed(g.Info.LicenseName);
            if (license is not null || name is not null)
            {
                declared.Add(new DeclaredLicense(g.Path, license, name) { LicenseLink = Trimmed(g.Info.LicenseLink) });
            }
        }
        return declared;
    }

    private static List<string> BaseModels(ModelCard? card, List<ModelGgufFile> gguf)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var models = new List<string>();
        foreach (var id in card?.BaseModels ?? [])
        {
            if (seen.Add(id))
            {
                models.Add(id);
            }
        }
        foreach (var g in gguf)
        {
            foreach (var b in g.Info.BaseModels)
            {
                if (GgufBaseModelId(b.Name, b.Organization, b.RepoUrl) is { } id && seen.Add(id))
                {
                    models.Add(id);
                }
            }
        }
        return models;
    }

    /// <summary>
    /// <c>org/name</c> for a GGUF base model: from a <c>huggingface.co/org/name</c> repo URL, else the organisation and
    /// name with spaces as hyphens (gguf-py writes them as titles: "Qwen2.5 7B Instruct"), else the name alone.
    /// </summary>
    internal static string? GgufBaseModelId(string? name, string? organization, string? repoUrl)
    {
        if (repoUrl is not null && HubRepoUrl().Match(repoUrl.Trim()) is { Success: true } m
            && !m.Groups["org"].Value.Equals("TODO", StringComparison.Ordinal))
        {
            // COMPAT: gguf-py writes https://huggingface.co/TODO/<name> when it does not know the organisation.
            return m.Groups["org"].Value + "/" + m.Groups["name"].Value;
        }
        var n = Hyphenated(name);
        var o = Hyphenated(organization);
        return n is null ? null : o is null ? n : o + "/" + n;
    }

    [GeneratedRegex(@"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(?:models/)?(?<org>[A-Za-z0-9][\w.\-]*)/(?<name>[\w.\-]+?)(?:\.git)?/?(?:[?#/].*)?$")]
    private static partial Regex HubRepoUrl();

    private static string? Hyphenated(string? s) =>
        string.IsNullOrWhiteSpace(s) ? null : string.Join('-', s.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static List<string> Formats(List<ModelFile> files)
    {
        var formats = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            if (WeightFormatOf(f) is { } format)
            {
                formats.Add(format);
            }
        }
        return [.. formats];
    }

    /// <summary>The <see cref="WeightFormat"/> of a file, or null when it does not hold weights (JSON, text, tokenizers).</summary>
    internal static string? WeightFormatOf(ModelFile file)
    {
        var extension = System.IO.Path.GetExtension(file.Path).ToLowerInvariant();
        return file.Format switch
        {
            FileFormat.Safetensors => WeightFormat.Safetensors,
            FileFormat.Gguf => WeightFormat.Gguf,
            FileFormat.Pickle when extension is ".pkl" or ".pickle" or ".joblib" => WeightFormat.Pickle,
            FileFormat.Zip when extension is ".npz" => WeightFormat.Numpy,
            FileFormat.Zip when extension is ".keras" => WeightFormat.Keras,
            FileFormat.Pickle or FileFormat.Zip or FileFormat.Tar => WeightFormat.PyTorchPickle,
            FileFormat.Onnx => WeightFormat.Onnx,
            FileFormat.TensorFlowSavedModel when System.IO.Path.GetFileName(file.Path) == "saved_model.pb" => WeightFormat.TensorFlowSavedModel,
            FileFormat.Hdf5 => WeightFormat.Hdf5,
            FileFormat.Numpy => WeightFormat.Numpy,
            _ => null,
        };
    }

    private static (long? Count, string? Source) Parameters(string root, List<ModelFile> files, List<ModelGgufFile> gguf, ModelConfigInfo? config, List<string> problems)
    {
        if (gguf.Count > 0)
        {
            return (LargestModel(gguf.Select(g => (g.Path, g.Info.ParameterCount))), "gguf");
        }
        var counts = new List<(string Path, long Count)>();
        foreach (var f in files)
        {
            if (f.Format != FileFormat.Safetensors)
            {
                continue;
            }
            var count = SafetensorsParameterCounter.Count(System.IO.Path.Combine(root, f.Path), out var error);
            if (count is null)
            {
                problems.Add($"{f.Path}: parameters not counted: {error}");
                continue;
            }
            counts.Add((f.Path, count.Value));
        }
        if (counts.Count > 0)
        {
            return (LargestModel(counts), "safetensors");
        }
        if (config?.ParameterCount is { } n)
        {
            return (n, config.ParameterCountEstimated ? "config.json estimate" : "config.json");
        }
        return (null, null);
    }

    /// <summary>
    /// Adds up the shards of each model (<c>name-00001-of-00004.ext</c> share a group) and takes the largest model: a
    /// folder of several quantisations, or with both <c>consolidated.safetensors</c> and Transformers shards (Mistral),
    /// holds one model several times over, not their sum.
    /// </summary>
    internal static long LargestModel(IEnumerable<(string Path, long Count)> files)
    {
        var groups = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (path, count) in files)
        {
            var key = Shard().Replace(path, "");
            groups[key] = (long)Math.Min((decimal)groups.GetValueOrDefault(key) + count, long.MaxValue);
        }
        return groups.Count == 0 ? 0 : groups.Values.Max();
    }

    [GeneratedRegex(@"-\d{5}-of-\d{5}(?=\.[^./]+$)")]
    private static partial Regex Shard();

    private static ModelFile? RootFile(List<ModelFile> files, string name) =>
        files.FirstOrDefault(f => f.Path == name) ?? files.FirstOrDefault(f => f.Path.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The file as UTF-8 (BOM dropped, invalid bytes replaced), its first <paramref name="maxBytes"/> bytes at most; null with a problem if unreadable.</summary>
    private static async Task<string?> ReadTextAsync(string root, ModelFile file, int maxBytes, List<string> problems, CancellationToken ct)
    {
        if (file.Size == 0)
        {
            // SECURITY: a FIFO or device reports length 0 and opening it can block: never open what the scanner did not.
            return "";
        }
        try
        {
            await using var stream = new FileStream(System.IO.Path.Combine(root, file.Path), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            var buffer = new byte[(int)Math.Min(maxBytes, Math.Max(0, file.Size))];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            var text = Encoding.UTF8.GetString(buffer, 0, read);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{file.Path}: cannot be read: {e.Message}");
            return null;
        }
    }

    private static string? Trimmed(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string Relative(string root, string path) => System.IO.Path.GetRelativePath(root, path).Replace('\\', '/');
}
