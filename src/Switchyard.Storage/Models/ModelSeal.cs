using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchyard.Storage.Models;

/// <summary>
/// What a registry decision left a model's row as, written into the decision's audit entry so that the hash chain
/// protects the row too: the status column, a SHA-256 of the stored record, and short digests of the parts that decide
/// whether a model may be served (files, licence, base models, source), which only serve to say what an edit changed.
/// </summary>
/// <remarks>
/// The gateway reads the <c>status</c> column and the registry reads the record; a direct <c>UPDATE models</c> changes
/// them without a decision. Comparing every row with the seal of its model's last audit entry finds such an edit, and
/// an attacker who also rewrites the seal breaks the entry's hash (and the chain after it).
/// <code>seal=approved:&lt;64 hex of the record&gt; files=&lt;16 hex&gt; licence=&lt;16 hex&gt; base=&lt;16 hex&gt; source=&lt;16 hex&gt;</code>
/// </remarks>
/// <param name="Status">The status column the decision wrote.</param>
/// <param name="Record">SHA-256 (hex) of the record's JSON exactly as stored.</param>
/// <param name="Files">Digest of every file's path, size and SHA-256.</param>
/// <param name="License">Digest of the licence id, name, text SHA-256 and the licences declared.</param>
/// <param name="Bases">Digest of the base models and their relation.</param>
/// <param name="Source">Digest of the source repository and revision.</param>
public sealed partial record ModelSeal(ModelStatus Status, string Record, string Files, string License, string Bases, string Source)
{
    /// <summary>The seal of a record as stored: <paramref name="json"/> is the text in the row, <paramref name="status"/> its status column.</summary>
    public static ModelSeal Of(ModelRecord record, ModelStatus status, string json)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(json);
        return new ModelSeal(
            status,
            RecordDigest(json),
            Part(record.Files.Select(f => Fields(f.Path, f.Size.ToString(CultureInfo.InvariantCulture), f.Sha256))),
            Part([Fields(record.LicenseId, record.LicenseName, record.LicenseTextSha256), .. record.DeclaredLicenses.Select(d => Fields(d.Source, d.License, d.LicenseName))]),
            Part([record.BaseRelation ?? "", .. record.BaseModels]),
            Part([Fields(record.SourceRepository, record.SourceRevision)]));
    }

    /// <summary>The seal as written at the end of an audit entry's detail.</summary>
    public string Format() => $"seal={Word(Status)}:{Record} files={Files} licence={License} base={Bases} source={Source}";

    /// <summary>The seal at the end of an audit entry's detail, or <see langword="null"/> (an entry written before seals existed).</summary>
    public static ModelSeal? Find(string? detail)
    {
        var match = detail is null ? null : SealPattern().Match(detail);
        return match is { Success: true } && TryParseStatus(match.Groups["status"].Value, out var status)
            ? new ModelSeal(status, match.Groups["record"].Value, match.Groups["files"].Value, match.Groups["licence"].Value, match.Groups["base"].Value, match.Groups["source"].Value)
            : null;
    }

    /// <summary>The status an entry of the registry recorded (<c>status=scanned -> approved</c>), for entries without a seal.</summary>
    public static ModelStatus? RecordedStatus(string? detail)
    {
        var match = detail is null ? null : StatusPattern().Match(detail);
        return match is { Success: true } && TryParseStatus(match.Groups["status"].Value, out var status) ? status : null;
    }

    /// <summary>What differs between this (audited) seal and <paramref name="current"/>, in words; empty when they match.</summary>
    public IReadOnlyList<string> Differences(ModelSeal current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var differences = new List<string>();
        if (current.Status != Status)
        {
            differences.Add($"status is {Word(current.Status)}, the audit trail last recorded {Word(Status)}");
        }

        var parts = new List<string>();
        if (current.Files != Files)
        {
            parts.Add("file hashes");
        }

        if (current.License != License)
        {
            parts.Add("licence");
        }

        if (current.Bases != Bases)
        {
            parts.Add("base models");
        }

        if (current.Source != Source)
        {
            parts.Add("source");
        }

        if (parts.Count > 0)
        {
            differences.Add($"its {string.Join(", ", parts)} differ from the audited record");
        }
        else if (current.Record != Record)
        {
            differences.Add("its record differs from the audited one (fields other than status, files, licence, base models and source)");
        }

        return differences;
    }

    /// <summary>SHA-256 (hex) of a record's JSON as stored.</summary>
    public static string RecordDigest(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

    /// <summary>The word a status is stored as (the same as <c>ModelStatusWords.Word</c>).</summary>
    internal static string Word(ModelStatus status) => status.ToString().ToLowerInvariant();

    internal static bool TryParseStatus(string word, out ModelStatus status)
    {
        status = default;
        return word.Length > 0 && char.IsAsciiLetterLower(word[0]) && Enum.TryParse(word, ignoreCase: true, out status) && Enum.IsDefined(status);
    }

    // SECURITY: the parts are 64-bit digests because they only name what changed; the record digest, which decides
    // whether the row matches at all, is the whole SHA-256.
    private static string Part(IEnumerable<string> items) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001e', items))))[..16];

    private static string Fields(params string?[] fields) => string.Join('\u001f', fields.Select(f => f ?? ""));

    // The seal is the last thing in the detail: a reason that imitates one is followed by the real one.
    [GeneratedRegex(@"; seal=(?<status>[a-z]+):(?<record>[0-9a-f]{64}) files=(?<files>[0-9a-f]{16}) licence=(?<licence>[0-9a-f]{16}) base=(?<base>[0-9a-f]{16}) source=(?<source>[0-9a-f]{16})$", RegexOptions.CultureInvariant)]
    private static partial Regex SealPattern();

    [GeneratedRegex(@"^role=[^;]*; status=(?:[a-z]+ -> )?(?<status>[a-z]+);", RegexOptions.CultureInvariant)]
    private static partial Regex StatusPattern();
}
