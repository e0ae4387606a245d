using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Switchyard.Registry.Bom.Internal;

namespace Switchyard.Registry.Bom;

/// <summary>
/// Writes the registry's models as one CycloneDX 1.6 ML-BOM in JSON (<c>switchyard models bom</c>).
/// </summary>
/// <remarks>
/// <code>
/// models ──► Validate (every problem at once; nothing is written when there is one)
///        ──► sort by Id (ordinal), files by path: the same models give the same bytes
///        ──► bomFormat, specVersion, serialNumber, version 1
///        ├─► metadata: timestamp, tools.components[switchyard], component (the registry, root of the graph)
///        ├─► components[]: one "machine-learning-model" per model
///        │     ├─ licenses, purl, externalReferences, modelCard, properties (scan, approvals, obligations)
///        │     ├─ components[]: one "file" per file, with its SHA-256
///        │     └─ pedigree.ancestors[]: what the model derives from
///        │   then one stub per external base of an adapter (see below)
///        └─► dependencies[]: registry → every model; adapter → its base
/// </code>
/// The mapping, field by field (checked against <c>CycloneDX/specification</c> <c>schema/bom-1.6.schema.json</c>):
/// <list type="bullet">
/// <item><c>bom-ref</c>s: <c>model:{Id}</c>, <c>file:{Id}/{Path}</c>, <c>external-model:{name}</c>, and
/// <see cref="RegistryRef"/> for <c>metadata.component</c>. The schema wants them unique in the document, and every
/// <c>dependencies</c> ref to name one of them; both are checked before writing.</item>
/// <item>Identity: <c>name</c> = <see cref="BomModel.Name"/>, <c>version</c> = <see cref="BomModel.Version"/>; for a Hub
/// source (<c>hf://org/name</c>), <c>group</c> = the organisation and, when the revision is a 40-hex commit, <c>purl</c>
/// = <c>pkg:huggingface/{org}/{name}@{commit}</c>. The purl type keeps namespace and name case-sensitive and lower-cases
/// only the commit. Without a pinned commit there is no purl: one without a version would resolve to whatever the
/// branch holds today.</item>
/// <item>Hashes: none on the model. A component hash is a hash of the component, and a model has no single file to
/// hash; each file is a nested <c>file</c> component (an assembly, in the schema's words, not a dependency) with its
/// SHA-256, and its size and format as properties.</item>
/// <item>Licence: <c>licenses</c> is a "licenseChoice", one <c>{license}</c> whose object has exactly one of
/// <c>id</c> or <c>name</c> (the schema's <c>oneOf</c>). A registry id that is an SPDX id goes in <c>id</c>, in SPDX's
/// case (<c>apache-2.0</c> → <c>Apache-2.0</c>); anything else goes in <c>name</c> (<see cref="BomModel.LicenseName"/>,
/// else the id), with the registry's id kept as the property <c>switchyard:license-id</c>. The licence text hash is
/// the licence's property <c>switchyard:license-text-sha256</c>: <c>license.text</c> is an attachment that requires
/// the text itself. <c>acknowledgement</c> is <c>concluded</c> when a <c>legal</c> approval exists, else
/// <c>declared</c>.</item>
/// <item>Model card: <c>modelParameters</c> task, architectureFamily (<see cref="BomModel.Family"/>) and
/// modelArchitecture; <c>considerations.useCases</c> from <see cref="BomModel.IntendedUse"/>; properties
/// <c>switchyard:parameter-count</c>, <c>switchyard:status</c>, <c>switchyard:owner</c>. <c>approach.type</c> is left
/// out: the registry does not record how a model was trained, and the enum has no "unknown".</item>
/// <item>Base models: the schema keeps derivation and dependency apart. <c>pedigree.ancestors</c> ("components in
/// which a component is derived from") lists every base, for every relation. An ancestor is a component of its own and
/// cannot reuse the base's <c>bom-ref</c> (it would not be unique), so an ancestor that is in this BOM carries a
/// BOM-Link (<c>urn:cdx:{serial}/1#{bom-ref}</c>, external reference type <c>bom</c>) to the base's component.
/// <c>dependencies</c> ("the direct dependencies of a component") gets a base only when the model cannot run without
/// it, which is the <c>adapter</c> relation; a fine-tune, merge or quantisation carries its own full weights. An
/// adapter's base that is not in the BOM becomes a top-level stub component <c>external-model:{name}</c> so that the
/// dependency resolves.</item>
/// <item>Registry facts without a CycloneDX field are properties in the <c>switchyard:</c> namespace:
/// <c>switchyard:id</c>, <c>switchyard:source</c>, <c>switchyard:base-model-relation</c>,
/// <c>switchyard:scan:{scanner,scanner-version,at,verdict,findings,accepted-reason}</c>,
/// <c>switchyard:approval:{role}</c> = "<c>{actor} at {time}: {reason}</c>" (oldest first) and one
/// <c>switchyard:obligation</c> per duty (the schema allows repeated names).</item>
/// <item>Times are UTC RFC 3339 (<c>2025-01-31T12:00:00Z</c>, fractions only when present).</item>
/// </list>
/// </remarks>
public static partial class CycloneDxWriter
{
    /// <summary>The CycloneDX version written, <c>specVersion</c>.</summary>
    public const string SpecVersion = "1.6";

    /// <summary>The <c>bom-ref</c> of <c>metadata.component</c>: the registry whose approved models the BOM lists.</summary>
    public const string RegistryRef = "switchyard-registry";

    private const string PropertyPrefix = "switchyard:";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        NewLine = "\n",
        // A BOM is a file, not HTML: keep names readable (é, <, &) rather than \u-escaped. Quotes, backslashes and
        // control characters are still escaped, as JSON requires; an unpaired surrogate becomes U+FFFD.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes one BOM listing <paramref name="models"/> to <paramref name="output"/> as indented UTF-8 JSON.</summary>
    /// <param name="output">Where the JSON goes; left open.</param>
    /// <param name="models">The models to list (the registry passes the approved ones), in any order.</param>
    /// <param name="timestamp">The BOM's <c>metadata.timestamp</c>; passed in so that output is reproducible.</param>
    /// <param name="serialNumber">The BOM's identity, written as <c>urn:uuid:{serialNumber}</c>; a new one per BOM.</param>
    /// <param name="toolVersion">Switchyard's version, for <c>metadata.tools</c>.</param>
    /// <exception cref="ArgumentException">A model is inconsistent (the message lists every problem); nothing was written.</exception>
    public static void Write(Stream output, IReadOnlyList<BomModel> models, DateTimeOffset timestamp, Guid serialNumber, string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentException.ThrowIfNullOrWhiteSpace(toolVersion);

        var plan = Plan(models, serialNumber);
        using var json = new Utf8JsonWriter(output, WriterOptions);
        json.WriteStartObject();
        json.WriteString("$schema"u8, "http://cyclonedx.org/schema/bom-1.6.schema.json");
        json.WriteString("bomFormat"u8, "CycloneDX");
        json.WriteString("specVersion"u8, SpecVersion);
        json.WriteString("serialNumber"u8, "urn:uuid:" + serialNumber.ToString("D"));
        json.WriteNumber("version"u8, 1);
        WriteMetadata(json, timestamp, toolVersion);

        json.WriteStartArray("components"u8);
        foreach (var model in plan.Models)
        {
            WriteModel(json, model, plan);
        }
        foreach (var stub in plan.ExternalBases)
        {
            WriteExternalBase(json, stub);
        }
        json.WriteEndArray();

        WriteDependencies(json, plan);
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    /// <summary>As <see cref="Write"/>, into a string.</summary>
    /// <inheritdoc cref="Write" path="/param"/>
    /// <exception cref="ArgumentException">A model is inconsistent (the message lists every problem).</exception>
    public static string WriteToString(IReadOnlyList<BomModel> models, DateTimeOffset timestamp, Guid serialNumber, string toolVersion)
    {
        using var stream = new MemoryStream();
        Write(stream, models, timestamp, serialNumber, toolVersion);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static void WriteMetadata(Utf8JsonWriter json, DateTimeOffset timestamp, string toolVersion)
    {
        json.WriteStartObject("metadata"u8);
        json.WriteString("timestamp"u8, FormatTime(timestamp));
        // The object form of tools: the array of "tool" objects is deprecated since 1.5.
        json.WriteStartObject("tools"u8);
        json.WriteStartArray("components"u8);
        json.WriteStartObject();
        json.WriteString("type"u8, "application");
        json.WriteString("name"u8, "switchyard");
        json.WriteString("version"u8, toolVersion);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartObject("component"u8);
        json.WriteString("type"u8, "application");
        json.WriteString("bom-ref"u8, RegistryRef);
        json.WriteString("name"u8, "switchyard-registry");
        json.WriteString("description"u8, "Models approved in the Switchyard model registry");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteModel(Utf8JsonWriter json, PlannedModel planned, BomPlan plan)
    {
        var model = planned.Model;
        json.WriteStartObject();
        json.WriteString("type"u8, "machine-learning-model");
        json.WriteString("bom-ref"u8, planned.Ref);
        if (planned.Hub is { Namespace: { } org })
        {
            json.WriteString("group"u8, org);
        }
        json.WriteString("name"u8, model.Name);
        WriteIfPresent(json, "version"u8, model.Version);
        WriteLicenses(json, model);
        if (planned.Purl is not null)
        {
            json.WriteString("purl"u8, planned.Purl);
        }
        WriteSourceReferences(json, model.SourceUrl, planned.Hub);

        if (planned.Files.Count > 0)
        {
            json.WriteStartArray("components"u8);
            foreach (var file in planned.Files)
            {
                WriteFile(json, model.Id, file);
            }
            json.WriteEndArray();
        }

        if (planned.Bases.Count > 0)
        {
            json.WriteStartObject("pedigree"u8);
            json.WriteStartArray("ancestors"u8);
            foreach (var baseModel in planned.Bases)
            {
                WriteAncestor(json, baseModel, plan);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }

        WriteModelCard(json, model);
        WriteModelProperties(json, model);
        json.WriteEndObject();
    }

    private static void WriteLicenses(Utf8JsonWriter json, BomModel model)
    {
        var hasId = !string.IsNullOrWhiteSpace(model.LicenseId);
        var hasName = !string.IsNullOrWhiteSpace(model.LicenseName);
        if (!hasId && !hasName)
        {
            return;
        }
        json.WriteStartArray("licenses"u8);
        json.WriteStartObject();
        json.WriteStartObject("license"u8);
        var isSpdx = SpdxLicenseIds.TryGetSpdxId(model.LicenseId, out var spdxId);
        if (isSpdx)
        {
            // oneOf id | name: with an SPDX id, the name is SPDX's and is not repeated.
            json.WriteString("id"u8, spdxId);
        }
        else
        {
            json.WriteString("name"u8, hasName ? model.LicenseName : model.LicenseId);
        }
        json.WriteString("acknowledgement"u8, HasApproval(model, "legal") ? "concluded" : "declared");
        var keepId = !isSpdx && hasId && hasName;
        if (keepId || model.LicenseTextSha256 is not null)
        {
            json.WriteStartArray("properties"u8);
            if (keepId)
            {
                WriteProperty(json, "license-id", model.LicenseId!);
            }
            if (model.LicenseTextSha256 is not null)
            {
                WriteProperty(json, "license-text-sha256", model.LicenseTextSha256.ToLowerInvariant());
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void WriteSourceReferences(Utf8JsonWriter json, string? sourceUrl, HubReference? hub)
    {
        var distribution = sourceUrl ?? hub?.ToUrl();
        if (distribution is null)
        {
            return;
        }
        json.WriteStartArray("externalReferences"u8);
        WriteExternalReference(json, "distribution", distribution);
        if (hub is { } repo)
        {
            // A Hub model repository is a Git repository; its page URL is also its clone URL.
            WriteExternalReference(json, "vcs", repo.ToUrl());
        }
        json.WriteEndArray();
    }

    private static void WriteFile(Utf8JsonWriter json, string modelId, BomFile file)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "file");
        json.WriteString("bom-ref"u8, FileRef(modelId, file.Path));
        json.WriteString("name"u8, file.Path);
        json.WriteStartArray("hashes"u8);
        json.WriteStartObject();
        json.WriteString("alg"u8, "SHA-256");
        json.WriteString("content"u8, file.Sha256.ToLowerInvariant());
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartArray("properties"u8);
        WriteProperty(json, "file:size", file.Size.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(file.Format))
        {
            WriteProperty(json, "file:format", file.Format);
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteAncestor(Utf8JsonWriter json, PlannedBase baseModel, BomPlan plan)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "machine-learning-model");
        if (baseModel.InBom is { } inBom)
        {
            if (inBom.Hub is { Namespace: { } org })
            {
                json.WriteString("group"u8, org);
            }
            json.WriteString("name"u8, inBom.Model.Name);
            WriteIfPresent(json, "version"u8, inBom.Model.Version);
            if (inBom.Purl is not null)
            {
                json.WriteString("purl"u8, inBom.Purl);
            }
            json.WriteStartArray("externalReferences"u8);
            WriteExternalReference(json, "bom", BomLink(plan.SerialNumber, inBom.Ref));
            json.WriteEndArray();
        }
        else
        {
            WriteExternalIdentity(json, baseModel);
        }
        json.WriteEndObject();
    }

    private static void WriteExternalBase(Utf8JsonWriter json, PlannedBase stub)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "machine-learning-model");
        json.WriteString("bom-ref"u8, stub.Ref);
        WriteExternalIdentity(json, stub);
        json.WriteStartArray("properties"u8);
        WriteProperty(json, "in-registry", "false");
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // The identity of a base that is not in this BOM: a Hub repository when it is written as one, else just its name.
    private static void WriteExternalIdentity(Utf8JsonWriter json, PlannedBase external)
    {
        if (external.Hub is { } hub)
        {
            if (hub.Namespace is not null)
            {
                json.WriteString("group"u8, hub.Namespace);
            }
            json.WriteString("name"u8, hub.Name);
            WriteIfPresent(json, "version"u8, hub.Revision);
            if (HubReference.IsCommit(hub.Revision))
            {
                json.WriteString("purl"u8, hub.ToPurl(hub.Revision));
            }
            json.WriteStartArray("externalReferences"u8);
            WriteExternalReference(json, "distribution", hub.ToUrl());
            json.WriteEndArray();
        }
        else
        {
            json.WriteString("name"u8, external.Name);
        }
    }

    private static void WriteModelCard(Utf8JsonWriter json, BomModel model)
    {
        json.WriteStartObject("modelCard"u8);
        if (model.Task is not null || model.Family is not null || model.Architecture is not null)
        {
            json.WriteStartObject("modelParameters"u8);
            WriteIfPresent(json, "task"u8, model.Task);
            WriteIfPresent(json, "architectureFamily"u8, model.Family);
            WriteIfPresent(json, "modelArchitecture"u8, model.Architecture);
            json.WriteEndObject();
        }
        if (!string.IsNullOrWhiteSpace(model.IntendedUse))
        {
            json.WriteStartObject("considerations"u8);
            json.WriteStartArray("useCases"u8);
            json.WriteStringValue(model.IntendedUse);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteStartArray("properties"u8);
        if (model.ParameterCount is { } parameters)
        {
            WriteProperty(json, "parameter-count", parameters.ToString(CultureInfo.InvariantCulture));
        }
        WriteProperty(json, "status", model.Status);
        if (!string.IsNullOrWhiteSpace(model.Owner))
        {
            WriteProperty(json, "owner", model.Owner);
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteModelProperties(Utf8JsonWriter json, BomModel model)
    {
        json.WriteStartArray("properties"u8);
        WriteProperty(json, "id", model.Id);
        if (model.SourceRepository is not null)
        {
            WriteProperty(json, "source", model.SourceRepository);
        }
        if (model.BaseModelRelation is not null)
        {
            WriteProperty(json, "base-model-relation", model.BaseModelRelation);
        }
        if (model.LicenseTextSha256 is not null && string.IsNullOrWhiteSpace(model.LicenseId) && string.IsNullOrWhiteSpace(model.LicenseName))
        {
            // No licence object to hang it on.
            WriteProperty(json, "license-text-sha256", model.LicenseTextSha256.ToLowerInvariant());
        }
        if (model.Scan is { } scan)
        {
            WriteProperty(json, "scan:scanner", scan.Scanner);
            WriteProperty(json, "scan:scanner-version", scan.ScannerVersion);
            WriteProperty(json, "scan:at", FormatTime(scan.At));
            WriteProperty(json, "scan:verdict", scan.Verdict);
            WriteProperty(json, "scan:findings", scan.Findings.ToString(CultureInfo.InvariantCulture));
            if (scan.AcceptedReason is not null)
            {
                WriteProperty(json, "scan:accepted-reason", scan.AcceptedReason);
            }
        }
        foreach (var approval in SortedApprovals(model.Approvals))
        {
            WriteProperty(json, "approval:" + approval.Role, $"{approval.Actor} at {FormatTime(approval.At)}: {approval.Reason}");
        }
        foreach (var obligation in model.Obligations)
        {
            WriteProperty(json, "obligation", obligation);
        }
        json.WriteEndArray();
    }

    private static void WriteDependencies(Utf8JsonWriter json, BomPlan plan)
    {
        json.WriteStartArray("dependencies"u8);
        json.WriteStartObject();
        json.WriteString("ref"u8, RegistryRef);
        if (plan.Models.Count > 0)
        {
            json.WriteStartArray("dependsOn"u8);
            foreach (var model in plan.Models)
            {
                json.WriteStringValue(model.Ref);
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
        foreach (var model in plan.Models)
        {
            // A model with no runtime dependency is still listed, with none: the schema reads a missing entry as "unknown".
            json.WriteStartObject();
            json.WriteString("ref"u8, model.Ref);
            if (model.RuntimeDependencies.Count > 0)
            {
                json.WriteStartArray("dependsOn"u8);
                foreach (var dependency in model.RuntimeDependencies)
                {
                    json.WriteStringValue(dependency);
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteExternalReference(Utf8JsonWriter json, string type, string url)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, type);
        json.WriteString("url"u8, url);
        json.WriteEndObject();
    }

    private static void WriteProperty(Utf8JsonWriter json, string name, string value)
    {
        json.WriteStartObject();
        json.WriteString("name"u8, PropertyPrefix + name);
        json.WriteString("value"u8, value);
        json.WriteEndObject();
    }

    private static void WriteIfPresent(Utf8JsonWriter json, ReadOnlySpan<byte> name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json.WriteString(name, value);
        }
    }

    private static bool HasApproval(BomModel model, string role)
    {
        foreach (var approval in model.Approvals)
        {
            if (string.Equals(approval.Role, role, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    // Oldest first; OrderBy is stable, so input order breaks ties and the output stays deterministic.
    private static IEnumerable<BomApproval> SortedApprovals(IReadOnlyList<BomApproval> approvals) =>
        approvals.OrderBy(a => a.At).ThenBy(a => a.Role, StringComparer.Ordinal);

    /// <summary>UTC RFC 3339, as the schema's <c>date-time</c> format wants; the fraction only when there is one.</summary>
    internal static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    internal static string ModelRef(string id) => "model:" + id;

    internal static string FileRef(string modelId, string path) => "file:" + modelId + "/" + path;

    internal static string ExternalRef(string name) => "external-model:" + name;

    /// <summary>
    /// A BOM-Link to an element of this BOM: <c>urn:cdx:{serial}/{version}#{bom-ref}</c>, the bom-ref percent-encoded
    /// where a URI fragment needs it (CycloneDX BOM-Link; the schema's <c>bomLinkElementType</c> pattern).
    /// </summary>
    internal static string BomLink(Guid serialNumber, string bomRef)
    {
        var sb = new StringBuilder("urn:cdx:").Append(serialNumber.ToString("D")).Append("/1#");
        foreach (var b in Encoding.UTF8.GetBytes(bomRef))
        {
            var c = (char)b;
            // RFC 3986 fragment: unreserved, sub-delims, ':', '@', '/', '?'; '%' and everything else encoded.
            if (char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=:@/?".Contains(c, StringComparison.Ordinal))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }
}
