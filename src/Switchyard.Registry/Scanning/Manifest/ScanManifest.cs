using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchyard.Registry.Scanning.Manifest;

/// <summary>
/// The size and SHA-256 of every file a scan read, to check later that the files deployed are the ones scanned
/// (<c>switchyard scan --manifest</c> writes it, <c>--verify</c> checks files against it).
/// </summary>
/// <remarks>
/// Paths are relative to the manifest's own folder, with forward slashes, so a folder and its manifest can move
/// together (or to another machine) and still verify. Entries are sorted by path (ordinal) so that two manifests of the
/// same files differ only in their timestamp. Format (version 1):
/// <code>
/// { "manifest_version": 1, "tool": "switchyard", "tool_version": "1.0.0", "created": "2026-11-21T13:30:00+00:00",
///   "files": [ { "path": "model/model.safetensors", "size": 123, "sha256": "64 lowercase hex" } ] }
/// </code>
/// </remarks>
/// <param name="ToolVersion">The version of switchyard that wrote it.</param>
/// <param name="Created">When it was written.</param>
/// <param name="Files">One entry per file, sorted by path.</param>
public sealed record ScanManifest(string ToolVersion, DateTimeOffset Created, IReadOnlyList<ManifestEntry> Files)
{
    /// <summary>The only format version this build reads and writes.</summary>
    public const int FormatVersion = 1;

    /// <summary>
    /// The name of a model folder's own manifest, which <c>switchyard models verify --dir</c> finds next to the weights:
    /// <c>switchyard scan DIR --manifest DIR/switchyard-manifest.json</c> writes it.
    /// </summary>
    public const string DefaultFileName = "switchyard-manifest.json";

    /// <summary>The SHA-256 of zero bytes: what an empty file hashes to, without opening it (it may be a FIFO).</summary>
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>
    /// The manifest of every file of <paramref name="report"/> that was hashed, with paths relative to the folder of
    /// <paramref name="manifestPath"/>. Files that could not be read are left out: the scan already reports them.
    /// </summary>
    public static ScanManifest FromReport(ScanReport report, string manifestPath, string toolVersion, DateTimeOffset created)
    {
        var folder = FolderOf(manifestPath);
        var entries = new List<ManifestEntry>(report.Files.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in report.Files)
        {
            var sha = file.Sha256 ?? (file.Size == 0 && file.Error is null ? EmptySha256 : null);
            if (sha is null)
            {
                continue;
            }
            var relative = RelativePath(folder, file.Path);
            if (seen.Add(relative))
            {
                entries.Add(new ManifestEntry(relative, file.Size, sha));
            }
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new ScanManifest(toolVersion, created, entries);
    }

    /// <summary>Writes the manifest as indented UTF-8 JSON to <paramref name="path"/>, replacing it.</summary>
    public void Write(string path)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteNumber("manifest_version", FormatVersion);
        json.WriteString("tool", "switchyard");
        json.WriteString("tool_version", ToolVersion);
        json.WriteString("created", Created.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture));
        json.WriteStartArray("files");
        foreach (var entry in Files)
        {
            json.WriteStartObject();
            json.WriteString("path", entry.Path);
            json.WriteNumber("size", entry.Size);
            json.WriteString("sha256", entry.Sha256);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>
    /// Reads the manifest at <paramref name="path"/>. Throws <see cref="ManifestFormatException"/> naming the file and
    /// what is wrong (the JSON position, the entry and the property) when it cannot be used, and for I/O errors.
    /// </summary>
    public static ScanManifest Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestFormatException($"manifest {path}: cannot be read: {e.Message}", e);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new ManifestFormatException(
                $"manifest {path}: not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message.Split(" LineNumber:")[0].Split(" Path:")[0]}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad(path, "the document is not a JSON object; expected {\"manifest_version\": 1, \"files\": [...]}");
            }
            if (!root.TryGetProperty("manifest_version", out var version) || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt32(out var v) || v != FormatVersion)
            {
                throw Bad(path, $"\"manifest_version\" must be {FormatVersion} (write the manifest again with switchyard scan --manifest)");
            }
            var toolVersion = root.TryGetProperty("tool_version", out var tv) && tv.ValueKind == JsonValueKind.String ? tv.GetString()! : "unknown";
            var created = root.TryGetProperty("created", out var c) && c.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(c.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var when) ? when : DateTimeOffset.MinValue;
            if (!root.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array)
            {
                throw Bad(path, "\"files\" is missing or not an array");
            }

            var entries = new List<ManifestEntry>(files.GetArrayLength());
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var i = 0;
            foreach (var file in files.EnumerateArray())
            {
                var where = $"files[{i++}]";
                if (file.ValueKind != JsonValueKind.Object)
                {
                    throw Bad(path, $"{where} is not an object with path, size and sha256");
                }
                if (!file.TryGetProperty("path", out var p) || p.ValueKind != JsonValueKind.String || p.GetString() is not { Length: > 0 } relative)
                {
                    throw Bad(path, $"{where}.path is missing or not a non-empty string");
                }
                if (relative.Contains('\\', StringComparison.Ordinal) || relative.StartsWith('/') || Path.IsPathRooted(relative) || relative.Contains('\0', StringComparison.Ordinal))
                {
                    throw Bad(path, $"{where}.path '{relative}' must be relative to the manifest's folder, with forward slashes");
                }
                if (!seen.Add(relative))
                {
                    throw Bad(path, $"{where}.path '{relative}' is listed twice");
                }
                if (!file.TryGetProperty("size", out var s) || s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out var size) || size < 0)
                {
                    throw Bad(path, $"{where}.size ('{relative}') is missing or not a non-negative integer");
                }
                if (!file.TryGetProperty("sha256", out var h) || h.ValueKind != JsonValueKind.String || !IsSha256(h.GetString()!))
                {
                    throw Bad(path, $"{where}.sha256 ('{relative}') is missing or not 64 lowercase hex digits");
                }
                entries.Add(new ManifestEntry(relative, size, h.GetString()!));
            }
            return new ScanManifest(toolVersion, created, entries);
        }
    }

    /// <summary>The folder a manifest's relative paths start from.</summary>
    public static string FolderOf(string manifestPath) => Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;

    /// <summary><paramref name="file"/> relative to <paramref name="folder"/>, with forward slashes.</summary>
    public static string RelativePath(string folder, string file) =>
        Path.GetRelativePath(folder, Path.GetFullPath(file)).Replace(Path.DirectorySeparatorChar, '/');

    private static ManifestFormatException Bad(string path, string what) => new($"manifest {path}: {what}");

    private static bool IsSha256(string text)
    {
        if (text.Length != 64)
        {
            return false;
        }
        foreach (var ch in text)
        {
            if (!char.IsAsciiDigit(ch) && ch is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }
        return true;
    }
}
