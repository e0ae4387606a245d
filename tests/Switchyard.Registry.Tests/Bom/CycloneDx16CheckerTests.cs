using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Registry.Bom;
using static Switchyard.Registry.Tests.Bom.BomFixtures;

namespace Switchyard.Registry.Tests.Bom;

/// <summary>The checker must catch what it claims to, or the writer tests that rely on it prove nothing.</summary>
public sealed class CycloneDx16CheckerTests
{
    private static JsonObject ValidDocument() =>
        JsonNode.Parse(CycloneDxWriter.WriteToString(Chain(), Timestamp, Serial, ToolVersion))!.AsObject();

    private static IReadOnlyList<string> Check(JsonNode node)
    {
        using var document = JsonDocument.Parse(node.ToJsonString());
        return CycloneDx16Checker.Check(document.RootElement);
    }

    private static JsonObject FirstModel(JsonObject bom) => bom["components"]![0]!.AsObject();

    [Fact]
    public void Check_WriterOutput_Passes()
    {
        Assert.Empty(Check(ValidDocument()));
    }

    public static TheoryData<string, string> Breakages => new()
    {
        { "bomFormat", "$.bomFormat" },
        { "serialNumber", "$.serialNumber" },
        { "version", "$.version" },
        { "timestamp", "$.metadata.timestamp" },
        { "unknownRootKey", "$.bomformat" },
        { "componentName", "$.components[0].name: required" },
        { "componentType", "$.components[0].type" },
        { "hashAlg", "$.components[0].components[0].hashes[0].alg" },
        { "hashContent", "$.components[0].components[0].hashes[0].content" },
        { "hashLength", "SHA-256 is 64 hex digits" },
        { "licenseBoth", "exactly one of id and name (it has both)" },
        { "licenseNeither", "exactly one of id and name (it has neither)" },
        { "twoExpressions", "an SPDX expression must be the only item" },
        { "duplicateRef", "is not unique in the BOM" },
        { "danglingDependency", "'model:nowhere' is not the bom-ref" },
        { "danglingDependsOn", "'file:nowhere' is not the bom-ref" },
        { "externalType", "'homepage' is not one of the external reference types" },
        { "externalUrl", ".url: required" },
        { "approach", "'guessing' is not one of" },
        { "modelCardOnFile", "only a machine-learning-model may have a model card" },
        { "danglingBomLink", "BOM-Link to 'model:gone'" },
        { "propertyKey", ".properties[0].key: not allowed here" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Check_BrokenDocument_ReportsTheBreakage(string breakage, string expected)
    {
        var bom = ValidDocument();
        var model = FirstModel(bom);
        var file = model["components"]![0]!.AsObject();
        var hash = file["hashes"]![0]!.AsObject();
        var license = model["licenses"]![0]!["license"]!.AsObject();
        switch (breakage)
        {
            case "bomFormat": bom["bomFormat"] = "SPDX"; break;
            case "serialNumber": bom["serialNumber"] = "urn:uuid:3E671687-395B-41F5-A30F-A58921A69B79"; break;
            case "version": bom["version"] = 0; break;
            case "timestamp": bom["metadata"]!["timestamp"] = "14/03/2025 15:09"; break;
            case "unknownRootKey": bom["bomformat"] = "CycloneDX"; break;
            case "componentName": model.Remove("name"); break;
            case "componentType": model["type"] = "model"; break;
            case "hashAlg": hash["alg"] = "SHA256"; break;
            case "hashContent": hash["content"] = "xyz"; break;
            case "hashLength": hash["content"] = new string('a', 40); break;
            case "licenseBoth": license["id"] = "MIT"; break;
            case "licenseNeither": license.Remove("name"); break;
            case "twoExpressions": model["licenses"] = new JsonArray(new JsonObject { ["expression"] = "MIT" }, new JsonObject { ["expression"] = "MIT" }); break;
            case "duplicateRef": file["bom-ref"] = model["bom-ref"]!.GetValue<string>(); break;
            case "danglingDependency": bom["dependencies"]!.AsArray().Add(new JsonObject { ["ref"] = "model:nowhere" }); break;
            case "danglingDependsOn": bom["dependencies"]![0]!["dependsOn"]!.AsArray().Add("file:nowhere"); break;
            case "externalType": model["externalReferences"]![0]!["type"] = "homepage"; break;
            case "externalUrl": model["externalReferences"]![0]!.AsObject().Remove("url"); break;
            case "approach": model["modelCard"]!["modelParameters"]!["approach"] = new JsonObject { ["type"] = "guessing" }; break;
            case "modelCardOnFile": file["modelCard"] = new JsonObject(); break;
            case "danglingBomLink":
                bom["components"]![1]!["pedigree"]!["ancestors"]![0]!["externalReferences"]![0]!["url"] = $"urn:cdx:{Serial:D}/1#model:gone";
                break;
            case "propertyKey": model["properties"]![0]!["key"] = "x"; break;
            default: throw new ArgumentOutOfRangeException(nameof(breakage));
        }

        var errors = Check(bom);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }
}
