using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Switchyard.Registry.Tests.Bom;

/// <summary>
/// Checks a CycloneDX 1.6 JSON document against the parts of the schema a Switchyard BOM uses: required fields, enums,
/// patterns, <c>oneOf</c> rules, <c>additionalProperties: false</c>, and the cross-references the schema states in words
/// (unique bom-refs, dependency refs that resolve).
/// </summary>
/// <remarks>
/// Enums, patterns and property lists are copied from <c>CycloneDX/specification</c> <c>schema/bom-1.6.schema.json</c>
/// (commit 0031673fe40681e727cd691332db700b330b8334), definitions <c>component</c>, <c>hash-alg</c>, <c>hash-content</c>,
/// <c>license</c>, <c>licenseChoice</c>, <c>licenseAcknowledgementEnumeration</c>, <c>attachment</c>,
/// <c>externalReference</c>, <c>dependency</c>, <c>property</c>, <c>metadata</c>, <c>modelCard</c>,
/// <c>inputOutputMLParameters</c>, <c>bomLinkDocumentType</c>, <c>bomLinkElementType</c> and the root object.
/// Two checks are stricter than the schema and say so in their message: a hash's length must match its algorithm, and
/// a ref may head only one <c>dependencies</c> entry. Not a full JSON Schema validator: objects the writer never emits
/// (services, vulnerabilities, formulation, ...) are only checked for their bom-refs.
/// </remarks>
internal static class CycloneDx16Checker
{
    // definitions/component/properties/type/enum
    public static readonly string[] ComponentTypes =
    [
        "application", "framework", "library", "container", "platform", "operating-system", "device", "device-driver",
        "firmware", "file", "machine-learning-model", "data", "cryptographic-asset",
    ];

    // definitions/hash-alg/enum
    public static readonly string[] HashAlgorithms =
    [
        "MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-384", "SHA3-512",
        "BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512", "BLAKE3",
    ];

    // definitions/externalReference/properties/type/enum
    public static readonly string[] ExternalReferenceTypes =
    [
        "vcs", "issue-tracker", "website", "advisories", "bom", "mailing-list", "social", "chat", "documentation",
        "support", "source-distribution", "distribution", "distribution-intake", "license", "build-meta", "build-system",
        "release-notes", "security-contact", "model-card", "log", "configuration", "evidence", "formulation",
        "attestation", "threat-model", "adversary-model", "risk-assessment", "vulnerability-assertion",
        "exploitability-statement", "pentest-report", "static-analysis-report", "dynamic-analysis-report",
        "runtime-analysis-report", "component-analysis-report", "maturity-report", "certification-report",
        "codified-infrastructure", "quality-metrics", "poam", "electronic-signature", "digital-signature", "rfc-9116",
        "other",
    ];

    // definitions/modelCard/properties/modelParameters/properties/approach/properties/type/enum
    public static readonly string[] ApproachTypes = ["supervised", "unsupervised", "reinforcement-learning", "semi-supervised", "self-supervised"];

    // definitions/licenseAcknowledgementEnumeration/enum
    private static readonly string[] Acknowledgements = ["declared", "concluded"];

    // definitions/component/properties/scope/enum
    private static readonly string[] Scopes = ["required", "optional", "excluded"];

    // Property names of objects declared "additionalProperties": false.
    private static readonly string[] RootKeys =
    [
        "$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata", "components", "services",
        "externalReferences", "dependencies", "compositions", "vulnerabilities", "annotations", "formulation",
        "declarations", "definitions", "properties", "signature",
    ];
    private static readonly string[] MetadataKeys =
        ["timestamp", "lifecycles", "tools", "manufacturer", "authors", "component", "manufacture", "supplier", "licenses", "properties"];
    private static readonly string[] ToolsKeys = ["components", "services"];
    private static readonly string[] ComponentKeys =
    [
        "type", "mime-type", "bom-ref", "supplier", "manufacturer", "authors", "author", "publisher", "group", "name",
        "version", "description", "scope", "hashes", "licenses", "copyright", "cpe", "purl", "omniborId", "swhid", "swid",
        "modified", "pedigree", "externalReferences", "components", "evidence", "releaseNotes", "modelCard", "data",
        "cryptoProperties", "properties", "tags", "signature",
    ];
    private static readonly string[] PedigreeKeys = ["ancestors", "descendants", "variants", "commits", "patches", "notes"];
    private static readonly string[] HashKeys = ["alg", "content"];
    private static readonly string[] LicenseKeys = ["bom-ref", "id", "name", "acknowledgement", "text", "url", "licensing", "properties"];
    private static readonly string[] ExpressionKeys = ["expression", "acknowledgement", "bom-ref"];
    private static readonly string[] AttachmentKeys = ["contentType", "encoding", "content"];
    private static readonly string[] ExternalReferenceKeys = ["url", "comment", "type", "hashes"];
    private static readonly string[] DependencyKeys = ["ref", "dependsOn", "provides"];
    private static readonly string[] PropertyKeys = ["name", "value"];
    private static readonly string[] ModelCardKeys = ["bom-ref", "modelParameters", "quantitativeAnalysis", "considerations", "properties"];
    private static readonly string[] ModelParametersKeys = ["approach", "task", "architectureFamily", "modelArchitecture", "datasets", "inputs", "outputs"];
    private static readonly string[] ConsiderationsKeys =
        ["users", "useCases", "technicalLimitations", "performanceTradeoffs", "ethicalConsiderations", "environmentalConsiderations", "fairnessAssessments"];

    // /properties/serialNumber/pattern
    private static readonly Regex SerialNumber = new("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    // definitions/hash-content/pattern
    private static readonly Regex HashContent = new("^([a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128})$");
    // definitions/component/properties/mime-type/pattern
    private static readonly Regex MimeType = new("^[-+a-z0-9.]+/[-+a-z0-9.]+$");
    // definitions/bomLinkDocumentType/pattern and definitions/bomLinkElementType/pattern
    private static readonly Regex BomLinkDocument = new("^urn:cdx:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[1-9][0-9]*$");
    private static readonly Regex BomLinkElement = new("^urn:cdx:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/[1-9][0-9]*#(.+)$");
    // "format": "date-time" is RFC 3339 section 5.6 date-time.
    private static readonly Regex DateTime = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$");

    /// <summary>Every problem found, each with a JSON path; empty when the document passes.</summary>
    public static IReadOnlyList<string> Check(JsonElement root)
    {
        var errors = new List<string>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("$: a BOM is a JSON object.");
            return errors;
        }
        Keys(root, "$", RootKeys, errors);

        // /required: bomFormat, specVersion
        if (!root.TryGetProperty("bomFormat", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != "CycloneDX")
        {
            errors.Add("$.bomFormat: required, and must be \"CycloneDX\".");
        }
        if (!root.TryGetProperty("specVersion", out var spec) || spec.ValueKind != JsonValueKind.String || spec.GetString() != "1.6")
        {
            errors.Add("$.specVersion: required; this checker is for \"1.6\".");
        }
        string? serial = null;
        if (root.TryGetProperty("serialNumber", out var serialElement))
        {
            serial = serialElement.ValueKind == JsonValueKind.String ? serialElement.GetString() : null;
            if (serial is null || !SerialNumber.IsMatch(serial))
            {
                errors.Add($"$.serialNumber: '{serialElement}' does not match {SerialNumber}.");
            }
        }
        if (root.TryGetProperty("version", out var version)
            && (version.ValueKind != JsonValueKind.Number || !version.TryGetInt64(out var v) || v < 1))
        {
            errors.Add($"$.version: '{version}' is not an integer >= 1.");
        }

        // Every bom-ref anywhere in the document: "Every bom-ref must be unique within the BOM."
        var refs = new HashSet<string>(StringComparer.Ordinal);
        CollectRefs(root, "$", refs, errors);

        if (root.TryGetProperty("metadata", out var metadata))
        {
            CheckMetadata(metadata, "$.metadata", errors);
        }
        if (root.TryGetProperty("components", out var components))
        {
            CheckComponents(components, "$.components", errors);
        }
        if (root.TryGetProperty("externalReferences", out var externals))
        {
            CheckExternalReferences(externals, "$.externalReferences", errors);
        }
        if (root.TryGetProperty("properties", out var properties))
        {
            CheckProperties(properties, "$.properties", errors);
        }
        if (root.TryGetProperty("dependencies", out var dependencies))
        {
            CheckDependencies(dependencies, refs, errors);
        }
        CheckBomLinks(root, "$", serial, refs, errors);
        return errors;
    }

    private static void CheckMetadata(JsonElement metadata, string path, List<string> errors)
    {
        if (!IsObject(metadata, path, errors))
        {
            return;
        }
        Keys(metadata, path, MetadataKeys, errors);
        if (metadata.TryGetProperty("timestamp", out var timestamp))
        {
            CheckDateTime(timestamp, path + ".timestamp", errors);
        }
        if (metadata.TryGetProperty("tools", out var tools))
        {
            // oneOf: the object form (components, services) or the deprecated array of tool objects.
            if (tools.ValueKind == JsonValueKind.Object)
            {
                Keys(tools, path + ".tools", ToolsKeys, errors);
                if (tools.TryGetProperty("components", out var toolComponents))
                {
                    CheckComponents(toolComponents, path + ".tools.components", errors);
                }
            }
            else if (tools.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{path}.tools: must be an object or (deprecated) an array.");
            }
        }
        if (metadata.TryGetProperty("component", out var component))
        {
            CheckComponent(component, path + ".component", errors);
        }
        if (metadata.TryGetProperty("licenses", out var licenses))
        {
            CheckLicenses(licenses, path + ".licenses", errors);
        }
        if (metadata.TryGetProperty("properties", out var properties))
        {
            CheckProperties(properties, path + ".properties", errors);
        }
    }

    private static void CheckComponents(JsonElement components, string path, List<string> errors)
    {
        if (!IsArray(components, path, errors))
        {
            return;
        }
        var items = components.EnumerateArray().ToList();
        for (var i = 0; i < items.Count; i++)
        {
            CheckComponent(items[i], $"{path}[{i}]", errors);
        }
        CheckUniqueItems(items, path, errors);
    }

    private static void CheckComponent(JsonElement component, string path, List<string> errors)
    {
        if (!IsObject(component, path, errors))
        {
            return;
        }
        Keys(component, path, ComponentKeys, errors);
        // definitions/component/required: type, name
        var type = RequiredString(component, "type", path, errors);
        if (type is not null && !ComponentTypes.Contains(type))
        {
            errors.Add($"{path}.type: '{type}' is not one of the component types.");
        }
        RequiredString(component, "name", path, errors);
        OptionalString(component, "version", path, errors);
        if (component.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String && version.GetString()!.Length > 1024)
        {
            errors.Add($"{path}.version: longer than the 1024 characters definitions/version allows.");
        }
        OptionalString(component, "group", path, errors);
        OptionalString(component, "description", path, errors);
        if (OptionalString(component, "mime-type", path, errors) is { } mime && !MimeType.IsMatch(mime))
        {
            errors.Add($"{path}.mime-type: '{mime}' does not match {MimeType}.");
        }
        if (OptionalString(component, "scope", path, errors) is { } scope && !Scopes.Contains(scope))
        {
            errors.Add($"{path}.scope: '{scope}' is not one of {string.Join(", ", Scopes)}.");
        }
        if (OptionalString(component, "purl", path, errors) is { } purl && !purl.StartsWith("pkg:", StringComparison.Ordinal))
        {
            errors.Add($"{path}.purl: '{purl}' is not a package URL (pkg:...).");
        }
        if (component.TryGetProperty("hashes", out var hashes))
        {
            CheckHashes(hashes, path + ".hashes", errors);
        }
        if (component.TryGetProperty("licenses", out var licenses))
        {
            CheckLicenses(licenses, path + ".licenses", errors);
        }
        if (component.TryGetProperty("externalReferences", out var externals))
        {
            CheckExternalReferences(externals, path + ".externalReferences", errors);
        }
        if (component.TryGetProperty("components", out var children))
        {
            CheckComponents(children, path + ".components", errors);
        }
        if (component.TryGetProperty("pedigree", out var pedigree) && IsObject(pedigree, path + ".pedigree", errors))
        {
            Keys(pedigree, path + ".pedigree", PedigreeKeys, errors);
            foreach (var relation in (string[])["ancestors", "descendants", "variants"])
            {
                if (pedigree.TryGetProperty(relation, out var related) && IsArray(related, $"{path}.pedigree.{relation}", errors))
                {
                    var i = 0;
                    foreach (var item in related.EnumerateArray())
                    {
                        CheckComponent(item, $"{path}.pedigree.{relation}[{i++}]", errors);
                    }
                }
            }
        }
        if (component.TryGetProperty("modelCard", out var modelCard))
        {
            // "This object SHOULD be specified for any component of type machine-learning-model and must not be
            // specified for other component types."
            if (type != "machine-learning-model")
            {
                errors.Add($"{path}.modelCard: only a machine-learning-model may have a model card.");
            }
            CheckModelCard(modelCard, path + ".modelCard", errors);
        }
        if (component.TryGetProperty("data", out _) && type != "data")
        {
            errors.Add($"{path}.data: only a component of type data may have data.");
        }
        if (component.TryGetProperty("properties", out var properties))
        {
            CheckProperties(properties, path + ".properties", errors);
        }
    }

    private static void CheckHashes(JsonElement hashes, string path, List<string> errors)
    {
        if (!IsArray(hashes, path, errors))
        {
            return;
        }
        var i = 0;
        foreach (var hash in hashes.EnumerateArray())
        {
            var at = $"{path}[{i++}]";
            if (!IsObject(hash, at, errors))
            {
                continue;
            }
            Keys(hash, at, HashKeys, errors);
            var alg = RequiredString(hash, "alg", at, errors);
            var content = RequiredString(hash, "content", at, errors);
            if (alg is not null && !HashAlgorithms.Contains(alg))
            {
                errors.Add($"{at}.alg: '{alg}' is not one of the hash algorithms.");
            }
            if (content is null)
            {
                continue;
            }
            if (!HashContent.IsMatch(content))
            {
                errors.Add($"{at}.content: '{content}' does not match {HashContent}.");
            }
            else if (ExpectedHexLength(alg) is { } length && content.Length != length)
            {
                errors.Add($"{at}.content: {alg} is {length} hex digits, not {content.Length} (stricter than the schema's one pattern for all algorithms).");
            }
        }
    }

    private static int? ExpectedHexLength(string? alg) => alg switch
    {
        "MD5" => 32,
        "SHA-1" => 40,
        "SHA-256" or "SHA3-256" or "BLAKE2b-256" => 64,
        "SHA-384" or "SHA3-384" or "BLAKE2b-384" => 96,
        "SHA-512" or "SHA3-512" or "BLAKE2b-512" => 128,
        _ => null, // BLAKE3 has a variable output length.
    };

    private static void CheckLicenses(JsonElement licenses, string path, List<string> errors)
    {
        // licenseChoice: oneOf [ array of {license}, array of exactly one {expression} ].
        if (!IsArray(licenses, path, errors))
        {
            return;
        }
        var items = licenses.EnumerateArray().ToList();
        var isExpression = items.Count > 0 && items[0].ValueKind == JsonValueKind.Object && items[0].TryGetProperty("expression", out _);
        if (isExpression)
        {
            if (items.Count != 1)
            {
                errors.Add($"{path}: an SPDX expression must be the only item ({items.Count} items).");
            }
            Keys(items[0], path + "[0]", ExpressionKeys, errors);
            RequiredString(items[0], "expression", path + "[0]", errors);
            CheckAcknowledgement(items[0], path + "[0]", errors);
            return;
        }
        for (var i = 0; i < items.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (!IsObject(items[i], at, errors))
            {
                continue;
            }
            if (items[i].TryGetProperty("expression", out _))
            {
                errors.Add($"{at}: an expression cannot be mixed with license objects.");
                continue;
            }
            Keys(items[i], at, ["license"], errors);
            if (!items[i].TryGetProperty("license", out var license))
            {
                errors.Add($"{at}.license: required.");
                continue;
            }
            CheckLicense(license, at + ".license", errors);
        }
    }

    private static void CheckLicense(JsonElement license, string path, List<string> errors)
    {
        if (!IsObject(license, path, errors))
        {
            return;
        }
        Keys(license, path, LicenseKeys, errors);
        // definitions/license/oneOf: required [id] | required [name]; exactly one.
        var hasId = license.TryGetProperty("id", out _);
        var hasName = license.TryGetProperty("name", out _);
        if (hasId == hasName)
        {
            errors.Add($"{path}: must have exactly one of id and name (it has {(hasId ? "both" : "neither")}).");
        }
        var id = OptionalString(license, "id", path, errors);
        // The id must be in spdx.schema.json's enum; here only the SPDX idstring syntax is checked.
        if (id is not null && !Regex.IsMatch(id, "^[A-Za-z0-9.+-]+$"))
        {
            errors.Add($"{path}.id: '{id}' is not an SPDX license id.");
        }
        OptionalString(license, "name", path, errors);
        OptionalString(license, "url", path, errors);
        CheckAcknowledgement(license, path, errors);
        if (license.TryGetProperty("text", out var text) && IsObject(text, path + ".text", errors))
        {
            Keys(text, path + ".text", AttachmentKeys, errors);
            RequiredString(text, "content", path + ".text", errors);
            if (OptionalString(text, "encoding", path + ".text", errors) is { } encoding && encoding != "base64")
            {
                errors.Add($"{path}.text.encoding: '{encoding}' is not base64.");
            }
        }
        if (license.TryGetProperty("properties", out var properties))
        {
            CheckProperties(properties, path + ".properties", errors);
        }
    }

    private static void CheckAcknowledgement(JsonElement element, string path, List<string> errors)
    {
        if (OptionalString(element, "acknowledgement", path, errors) is { } ack && !Acknowledgements.Contains(ack))
        {
            errors.Add($"{path}.acknowledgement: '{ack}' is not declared or concluded.");
        }
    }

    private static void CheckExternalReferences(JsonElement references, string path, List<string> errors)
    {
        if (!IsArray(references, path, errors))
        {
            return;
        }
        var i = 0;
        foreach (var reference in references.EnumerateArray())
        {
            var at = $"{path}[{i++}]";
            if (!IsObject(reference, at, errors))
            {
                continue;
            }
            Keys(reference, at, ExternalReferenceKeys, errors);
            // definitions/externalReference/required: url, type
            var type = RequiredString(reference, "type", at, errors);
            if (type is not null && !ExternalReferenceTypes.Contains(type))
            {
                errors.Add($"{at}.type: '{type}' is not one of the external reference types.");
            }
            var url = RequiredString(reference, "url", at, errors);
            if (url is null)
            {
                continue;
            }
            // anyOf: iri-reference, or a BOM-Link.
            if (url.StartsWith("urn:cdx:", StringComparison.Ordinal))
            {
                if (!BomLinkDocument.IsMatch(url) && !BomLinkElement.IsMatch(url))
                {
                    errors.Add($"{at}.url: '{url}' starts like a BOM-Link but matches neither BOM-Link pattern.");
                }
            }
            else if (url.Length == 0 || url.Any(char.IsWhiteSpace) || !Uri.TryCreate(url, UriKind.RelativeOrAbsolute, out _))
            {
                errors.Add($"{at}.url: '{url}' is not an IRI reference.");
            }
            if (reference.TryGetProperty("hashes", out var hashes))
            {
                CheckHashes(hashes, at + ".hashes", errors);
            }
        }
    }

    private static void CheckProperties(JsonElement properties, string path, List<string> errors)
    {
        if (!IsArray(properties, path, errors))
        {
            return;
        }
        var i = 0;
        foreach (var property in properties.EnumerateArray())
        {
            var at = $"{path}[{i++}]";
            if (!IsObject(property, at, errors))
            {
                continue;
            }
            Keys(property, at, PropertyKeys, errors);
            RequiredString(property, "name", at, errors);
            OptionalString(property, "value", at, errors);
        }
    }

    private static void CheckModelCard(JsonElement card, string path, List<string> errors)
    {
        if (!IsObject(card, path, errors))
        {
            return;
        }
        Keys(card, path, ModelCardKeys, errors);
        if (card.TryGetProperty("modelParameters", out var parameters) && IsObject(parameters, path + ".modelParameters", errors))
        {
            var at = path + ".modelParameters";
            Keys(parameters, at, ModelParametersKeys, errors);
            OptionalString(parameters, "task", at, errors);
            OptionalString(parameters, "architectureFamily", at, errors);
            OptionalString(parameters, "modelArchitecture", at, errors);
            if (parameters.TryGetProperty("approach", out var approach) && IsObject(approach, at + ".approach", errors))
            {
                Keys(approach, at + ".approach", ["type"], errors);
                if (OptionalString(approach, "type", at + ".approach", errors) is { } learning && !ApproachTypes.Contains(learning))
                {
                    errors.Add($"{at}.approach.type: '{learning}' is not one of {string.Join(", ", ApproachTypes)}.");
                }
            }
            foreach (var io in (string[])["inputs", "outputs"])
            {
                if (parameters.TryGetProperty(io, out var list) && IsArray(list, $"{at}.{io}", errors))
                {
                    var i = 0;
                    foreach (var item in list.EnumerateArray())
                    {
                        var itemPath = $"{at}.{io}[{i++}]";
                        if (IsObject(item, itemPath, errors))
                        {
                            Keys(item, itemPath, ["format"], errors);
                            OptionalString(item, "format", itemPath, errors);
                        }
                    }
                }
            }
        }
        if (card.TryGetProperty("considerations", out var considerations) && IsObject(considerations, path + ".considerations", errors))
        {
            var at = path + ".considerations";
            Keys(considerations, at, ConsiderationsKeys, errors);
            foreach (var list in (string[])["users", "useCases", "technicalLimitations", "performanceTradeoffs"])
            {
                if (considerations.TryGetProperty(list, out var strings) && IsArray(strings, $"{at}.{list}", errors)
                    && strings.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
                {
                    errors.Add($"{at}.{list}: items must be strings.");
                }
            }
        }
        if (card.TryGetProperty("properties", out var properties))
        {
            CheckProperties(properties, path + ".properties", errors);
        }
    }

    private static void CheckDependencies(JsonElement dependencies, HashSet<string> refs, List<string> errors)
    {
        const string path = "$.dependencies";
        if (!IsArray(dependencies, path, errors))
        {
            return;
        }
        var heads = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var dependency in dependencies.EnumerateArray())
        {
            var at = $"{path}[{i++}]";
            if (!IsObject(dependency, at, errors))
            {
                continue;
            }
            Keys(dependency, at, DependencyKeys, errors);
            var head = RequiredString(dependency, "ref", at, errors);
            if (head is not null)
            {
                if (head.Length == 0)
                {
                    errors.Add($"{at}.ref: empty (refType has minLength 1).");
                }
                if (!refs.Contains(head))
                {
                    errors.Add($"{at}.ref: '{head}' is not the bom-ref of anything in the document.");
                }
                if (!heads.Add(head))
                {
                    errors.Add($"{at}.ref: '{head}' heads two dependency entries (stricter than the schema's uniqueItems).");
                }
            }
            foreach (var list in (string[])["dependsOn", "provides"])
            {
                if (!dependency.TryGetProperty(list, out var targets) || !IsArray(targets, $"{at}.{list}", errors))
                {
                    continue;
                }
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var j = 0;
                foreach (var target in targets.EnumerateArray())
                {
                    var targetPath = $"{at}.{list}[{j++}]";
                    if (target.ValueKind != JsonValueKind.String)
                    {
                        errors.Add($"{targetPath}: must be a string.");
                        continue;
                    }
                    var value = target.GetString()!;
                    if (!refs.Contains(value))
                    {
                        errors.Add($"{targetPath}: '{value}' is not the bom-ref of anything in the document.");
                    }
                    if (!seen.Add(value))
                    {
                        errors.Add($"{targetPath}: '{value}' is listed twice (uniqueItems).");
                    }
                }
            }
        }
    }

    private static void CollectRefs(JsonElement element, string path, HashSet<string> refs, List<string> errors)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                var at = $"{path}.{property.Name}";
                if (property.Name == "bom-ref")
                {
                    if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString()!.Length == 0)
                    {
                        errors.Add($"{at}: must be a non-empty string (refType).");
                    }
                    else if (!refs.Add(property.Value.GetString()!))
                    {
                        errors.Add($"{at}: '{property.Value.GetString()}' is not unique in the BOM.");
                    }
                    continue;
                }
                CollectRefs(property.Value, at, refs, errors);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                CollectRefs(item, $"{path}[{i++}]", refs, errors);
            }
        }
    }

    // A BOM-Link element into this same BOM must name a bom-ref that exists.
    private static void CheckBomLinks(JsonElement element, string path, string? serial, HashSet<string> refs, List<string> errors)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                var at = $"{path}.{property.Name}";
                if (property.Name == "url" && property.Value.ValueKind == JsonValueKind.String
                    && BomLinkElement.Match(property.Value.GetString()!) is { Success: true } link
                    && serial is not null && serial.EndsWith(link.Groups[1].Value, StringComparison.Ordinal))
                {
                    var target = Uri.UnescapeDataString(link.Groups[2].Value);
                    if (!refs.Contains(target))
                    {
                        errors.Add($"{at}: BOM-Link to '{target}', which is not a bom-ref of this BOM.");
                    }
                }
                CheckBomLinks(property.Value, at, serial, refs, errors);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                CheckBomLinks(item, $"{path}[{i++}]", serial, refs, errors);
            }
        }
    }

    private static void CheckUniqueItems(List<JsonElement> items, string path, List<string> errors)
    {
        for (var i = 0; i < items.Count; i++)
        {
            for (var j = i + 1; j < items.Count; j++)
            {
                if (JsonElement.DeepEquals(items[i], items[j]))
                {
                    errors.Add($"{path}: items {i} and {j} are equal (uniqueItems).");
                }
            }
        }
    }

    private static void CheckDateTime(JsonElement value, string path, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.String || !DateTime.IsMatch(value.GetString()!)
            || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors.Add($"{path}: '{value}' is not an RFC 3339 date-time.");
        }
    }

    private static void Keys(JsonElement element, string path, string[] allowed, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                errors.Add($"{path}.{property.Name}: not allowed here (additionalProperties: false).");
            }
        }
    }

    private static string? RequiredString(JsonElement element, string name, string path, List<string> errors)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            errors.Add($"{path}.{name}: required.");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{path}.{name}: must be a string.");
            return null;
        }
        return value.GetString();
    }

    private static string? OptionalString(JsonElement element, string name, string path, List<string> errors)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{path}.{name}: must be a string.");
            return null;
        }
        return value.GetString();
    }

    private static bool IsObject(JsonElement element, string path, List<string> errors)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return true;
        }
        errors.Add($"{path}: must be an object.");
        return false;
    }

    private static bool IsArray(JsonElement element, string path, List<string> errors)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            return true;
        }
        errors.Add($"{path}: must be an array.");
        return false;
    }
}
