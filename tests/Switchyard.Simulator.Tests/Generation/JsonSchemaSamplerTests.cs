using System.Buffers;
using System.Text.Json;
using Switchyard.Simulator.Generation;

namespace Switchyard.Simulator.Tests.Generation;

public sealed class JsonSchemaSamplerTests
{
    [Fact]
    public void Write_ObjectSchema_FillsRequiredPropertiesWithValidValues()
    {
        const string Schema = """
            {"type":"object","required":["id","when","score","kind","items","maybe","email"],
             "properties":{"id":{"type":"string","format":"uuid"},"when":{"type":"string","format":"date"},
               "score":{"type":"number","minimum":0,"maximum":1},"kind":{"enum":["x","y"]},
               "items":{"type":"array","items":{"$ref":"#/definitions/item"},"minItems":2,"maxItems":2},
               "maybe":{"anyOf":[{"type":"null"},{"type":"boolean"}]},"email":{"type":"string","format":"email"}},
             "definitions":{"item":{"type":"object","required":["n"],"properties":{"n":{"type":"integer","minimum":5,"maximum":6}}}}}
            """;
        for (ulong seed = 0; seed < 20; seed++)
        {
            using var value = Sample(Schema, seed);
            var root = value.RootElement;
            Assert.True(Guid.TryParse(root.GetProperty("id").GetString(), out _));
            Assert.True(DateOnly.TryParse(root.GetProperty("when").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
            Assert.InRange(root.GetProperty("score").GetDouble(), 0, 1);
            Assert.Contains(root.GetProperty("kind").GetString(), new[] { "x", "y" });
            Assert.Equal(2, root.GetProperty("items").GetArrayLength());
            Assert.All(root.GetProperty("items").EnumerateArray(), i => Assert.InRange(i.GetProperty("n").GetInt32(), 5, 6));
            Assert.Contains(root.GetProperty("maybe").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
            Assert.Contains("@", root.GetProperty("email").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Write_SameSeed_SameValue()
    {
        const string Schema = """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}""";
        using var first = Sample(Schema, 9);
        using var second = Sample(Schema, 9);
        Assert.Equal(first.RootElement.GetRawText(), second.RootElement.GetRawText());
    }

    [Fact]
    public void Write_NoSchema_WritesAnEmptyObject()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var random = new SplitMix64(1);
            JsonSchemaSampler.Write(writer, default, ref random);
        }

        Assert.Equal("{}", System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static JsonDocument Sample(string schema, ulong seed)
    {
        using var schemaDocument = JsonDocument.Parse(schema);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var random = new SplitMix64(seed);
            JsonSchemaSampler.Write(writer, schemaDocument.RootElement, ref random);
        }

        return JsonDocument.Parse(buffer.WrittenMemory);
    }
}
