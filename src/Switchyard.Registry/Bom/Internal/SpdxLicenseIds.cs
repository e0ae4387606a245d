using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Switchyard.Registry.Bom.Internal;

/// <summary>
/// Maps a registry licence id to the SPDX licence id CycloneDX accepts in <c>license.id</c>, in SPDX's own case.
/// </summary>
/// <remarks>
/// CycloneDX 1.6 requires <c>license.id</c> to be one of the ids in its <c>spdx.schema.json</c> enum; any other licence
/// goes in <c>license.name</c>. This table holds the ids model and data licences use (the Hugging Face Hub's licence
/// list, compared case-insensitively), each checked against that enum
/// (CycloneDX/specification <c>schema/spdx.schema.json</c>; <c>CDLA-Permissive-2.0</c> from later SPDX lists).
/// An id not listed here is written as a named licence, which is still valid, just less machine-readable.
/// <para>
/// Deliberately left out: the deprecated bare GNU ids (<c>GPL-3.0</c>, <c>LGPL-2.1</c>, <c>AGPL-3.0</c>) the Hub uses,
/// because they do not say "only" or "or later"; a BOM should not decide that for legal. The explicit
/// <c>-only</c>/<c>-or-later</c> ids are listed.
/// </para>
/// </remarks>
internal static class SpdxLicenseIds
{
    private static readonly string[] Canonical =
    [
        "0BSD", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0", "Artistic-2.0",
        "BSD-2-Clause", "BSD-3-Clause", "BSD-3-Clause-Clear", "BSL-1.0",
        "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0",
        "CC-BY-NC-2.0", "CC-BY-NC-3.0", "CC-BY-NC-4.0",
        "CC-BY-NC-ND-3.0", "CC-BY-NC-ND-4.0",
        "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0",
        "CC-BY-ND-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC0-1.0",
        "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0",
        "ECL-2.0", "EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2", "etalab-2.0",
        "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "ISC",
        "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later", "LPPL-1.3c",
        "MIT", "MIT-0", "MPL-2.0", "MS-PL", "NCSA", "ODC-By-1.0", "ODbL-1.0", "OFL-1.1", "OSL-3.0",
        "PDDL-1.0", "PostgreSQL", "Python-2.0", "UPL-1.0", "Unlicense", "WTFPL", "Zlib",
    ];

    // COMPAT: the Hub's licence ids that name an SPDX licence without its version suffix.
    private static readonly (string Alias, string Id)[] Aliases =
    [
        ("odc-by", "ODC-By-1.0"),
        ("odbl", "ODbL-1.0"),
        ("pddl", "PDDL-1.0"),
    ];

    private static readonly FrozenDictionary<string, string> ByLowerCase = Build();

    /// <summary>The SPDX id for <paramref name="licenseId"/>, compared case-insensitively; false when it is not one.</summary>
    public static bool TryGetSpdxId(string? licenseId, [NotNullWhen(true)] out string? spdxId)
    {
        spdxId = null;
        return !string.IsNullOrWhiteSpace(licenseId) && ByLowerCase.TryGetValue(licenseId.Trim(), out spdxId);
    }

    private static FrozenDictionary<string, string> Build()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var id in Canonical)
        {
            map.Add(id, id);
        }
        foreach (var (alias, id) in Aliases)
        {
            map.Add(alias, id);
        }
        return map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
