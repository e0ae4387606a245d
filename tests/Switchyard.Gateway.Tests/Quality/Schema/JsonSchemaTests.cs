using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Quality.Schema;
using Switchyard.Gateway.Tests.Support;

namespace Switchyard.Gateway.Tests.Quality.Schema;

/// <summary>
/// The structured-outputs schema subset: tables of schemas and answers (valid, and invalid with the path and a word of
/// the message), schemas refused at compile time with the path of the keyword, and hostile schemas and answers.
/// </summary>
public sealed class JsonSchemaTests
{
    private const string Person = """
        {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"city":{"type":["string","null"]}},
         "required":["name","age","city"],"additionalProperties":false}
        """;

    private const string LinkedList = """
        {"type":"object","properties":{"linked_list":{"$ref":"#/$defs/node"}},
         "$defs":{"node":{"type":"object","properties":{"value":{"type":"number"},
           "next":{"anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]}},"required":["value","next"],"additionalProperties":false}},
         "required":["linked_list"],"additionalProperties":false}
        """;

    private const string UiTree = """
        {"type":"object","properties":{"type":{"type":"string","enum":["div","button","header"]},"label":{"type":"string"},
          "children":{"type":"array","items":{"$ref":"#"}}},"required":["type","label","children"],"additionalProperties":false}
        """;

    public static TheoryData<string, string> ValidCases => new()
    {
        { Person, """{"name":"Ada","age":36,"city":null}""" },
        { Person, """{"name":"Ada","age":36.0,"city":"London"}""" },
        { Person, """{"name":"Ada","age":1e2,"city":"London"}""" },
        { """{"type":"string"}""", "\"x\"" },
        { """{"type":"number"}""", "-1.5e-3" },
        { """{"type":"integer"}""", "150e-1" },
        { """{"type":"boolean"}""", "false" },
        { """{"type":"null"}""", "null" },
        { """{"type":"array"}""", "[1,\"a\",null]" },
        { """{}""", """{"anything":[1,2,{"x":true}]}""" },
        { """true""", "42" },
        { """{"enum":["red","green",3,null,{"a":[1]}]}""", "\"green\"" },
        { """{"enum":["red","green",3,null,{"a":[1]}]}""", "3.0" },
        { """{"enum":["red","green",3,null,{"a":[1]}]}""", """{"a":[1.0]}""" },
        { """{"enum":["é"]}""", "\"\\u00e9\"" },
        { """{"const":"fixed"}""", "\"fixed\"" },
        { """{"anyOf":[{"type":"string"},{"type":"number"}]}""", "12" },
        { """{"type":"string","minLength":2,"maxLength":3}""", "\"日本語\"" },
        { """{"type":"string","minLength":2,"maxLength":2}""", "\"😀😀\"" },
        { """{"type":"string","pattern":"^[a-z]+$"}""", "\"abc\"" },
        { """{"type":"string","pattern":"^\\d{3}$"}""", "\"\\u0031\\u0032\\u0033\"" },
        { """{"type":"string","pattern":"b"}""", "\"abc\"" },
        { """{"type":"string","format":"date-time"}""", "\"2024-02-29T23:59:60Z\"" },
        { """{"type":"string","format":"date-time"}""", "\"2024-05-01t12:30:00.123+02:00\"" },
        { """{"type":"string","format":"date"}""", "\"2000-02-29\"" },
        { """{"type":"string","format":"time"}""", "\"08:30:00-05:00\"" },
        { """{"type":"string","format":"duration"}""", "\"P1Y2M3DT4H5M6S\"" },
        { """{"type":"string","format":"duration"}""", "\"P3W\"" },
        { """{"type":"string","format":"duration"}""", "\"PT36H\"" },
        { """{"type":"string","format":"email"}""", "\"ada.lovelace+test@example.co.uk\"" },
        { """{"type":"string","format":"hostname"}""", "\"api.example-1.com\"" },
        { """{"type":"string","format":"ipv4"}""", "\"192.168.0.1\"" },
        { """{"type":"string","format":"ipv6"}""", "\"2001:db8::ff00:42:8329\"" },
        { """{"type":"string","format":"ipv6"}""", "\"::ffff:192.0.2.1\"" },
        { """{"type":"string","format":"uuid"}""", "\"123e4567-e89b-12d3-a456-426614174000\"" },
        { """{"type":"number","minimum":1,"maximum":10}""", "10" },
        { """{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1}""", "0.999" },
        { """{"type":"number","multipleOf":0.1}""", "0.3" },
        { """{"type":"integer","multipleOf":5}""", "-25" },
        { """{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":3}""", "[1,2,3]" },
        { """{"minLength":5}""", "12" },
        { """{"type":"object","additionalProperties":{"type":"integer"}}""", """{"a":1,"b":2}""" },
        { """{"type":"object","patternProperties":{"^x-":{"type":"string"}},"additionalProperties":false}""", """{"x-a":"1"}""" },
        { """{"type":"object","properties":{"a b":{"type":"string"}},"required":["a b"]}""", """{"a\u0020b":"escaped name"}""" },
        { LinkedList, """{"linked_list":{"value":1,"next":{"value":2,"next":{"value":3,"next":null}}}}""" },
        { UiTree, """{"type":"div","label":"root","children":[{"type":"button","label":"ok","children":[]}]}""" },
        { """{"definitions":{"id":{"type":"string","format":"uuid"}},"type":"array","items":{"$ref":"#/definitions/id"}}""", "[\"123e4567-e89b-12d3-a456-426614174000\"]" },
        { """{"type":"object","properties":{"a":{"type":"integer","minimum":3}},"additionalProperties":{"$ref":"#/properties/a"}}""", """{"a":3,"b":4}""" },
        { """{"type":"string","description":"annotations are ignored","title":"t","default":"d","examples":["e"],"$comment":"c","x-vendor":1}""", "\"s\"" },
        { """{"type":"integer"}""", "123456789012345678901234567890" },
        { """{"type":"number","minimum":1e30}""", "2e30" },
    };

    public static TheoryData<string, string, string, string> InvalidCases => new()
    {
        { Person, """{"name":"Ada","age":"12","city":null}""", "$.age", "expected an integer but found the string \"12\"" },
        { Person, """{"name":"Ada","age":36.5,"city":null}""", "$.age", "expected an integer" },
        { Person, """{"name":"Ada","age":36}""", "$", "missing required property 'city'" },
        { Person, """{"name":"Ada","age":36,"city":null,"x":1}""", "$", "property 'x' is not allowed (additionalProperties: false)" },
        { Person, """{"name":"Ada","age":36,"city":1}""", "$.city", "expected a string or null" },
        { Person, """{"name":"Ada","name":"Bob","age":36,"city":null}""", "$", "appears more than once" },
        { Person, "[1]", "$", "expected an object but found an array" },
        { """{"type":"string"}""", "null", "$", "expected a string but found null" },
        { """{"type":"boolean"}""", "\"true\"", "$", "expected a boolean" },
        { """{"type":"null"}""", "0", "$", "expected null but found the number 0" },
        { """{"type":"integer"}""", "1.0000000000000000000000000000001", "$", "integer" },
        { """false""", "1", "$", "no value is allowed" },
        { """{"enum":["green","blue"]}""", "\"red\"", "$", "value 'red' is not one of: 'green', 'blue'" },
        { """{"enum":[1,2]}""", "\"1\"", "$", "is not one of" },
        { """{"const":{"a":1}}""", """{"a":2}""", "$", "is not the constant" },
        { """{"type":"string","pattern":"^[a-z]+$"}""", "\"foo1\"", "$", "'foo1' does not match the pattern ^[a-z]+$" },
        { """{"type":"string","minLength":3}""", "\"ab\"", "$", "shorter than minLength 3" },
        { """{"type":"string","maxLength":2}""", "\"日本語\"", "$", "3 characters long, longer than maxLength 2" },
        { """{"type":"string","format":"date-time"}""", "\"2024-05-01 12:30:00Z\"", "$", "is not a valid date-time" },
        { """{"type":"string","format":"date-time"}""", "\"2024-05-01T12:30:00\"", "$", "date-time" },
        { """{"type":"string","format":"date"}""", "\"2023-02-29\"", "$", "is not a valid date" },
        { """{"type":"string","format":"time"}""", "\"12:30:60Z\"", "$", "is not a valid time" },
        { """{"type":"string","format":"duration"}""", "\"P1D2Y\"", "$", "duration" },
        { """{"type":"string","format":"duration"}""", "\"PT\"", "$", "duration" },
        { """{"type":"string","format":"email"}""", "\"ada@@example.com\"", "$", "email" },
        { """{"type":"string","format":"email"}""", "\"ada..l@example.com\"", "$", "email" },
        { """{"type":"string","format":"hostname"}""", "\"-bad.example.com\"", "$", "hostname" },
        { """{"type":"string","format":"ipv4"}""", "\"192.168.01.1\"", "$", "ipv4" },
        { """{"type":"string","format":"ipv4"}""", "\"256.1.1.1\"", "$", "ipv4" },
        { """{"type":"string","format":"ipv6"}""", "\"1::2::3\"", "$", "ipv6" },
        { """{"type":"string","format":"ipv6"}""", "\"fe80::1%eth0\"", "$", "ipv6" },
        { """{"type":"string","format":"uuid"}""", "\"123e4567e89b12d3a456426614174000\"", "$", "uuid" },
        { """{"type":"number","minimum":5}""", "4.99", "$", "4.99 is less than the minimum 5" },
        { """{"type":"number","maximum":5}""", "5.01", "$", "greater than the maximum 5" },
        { """{"type":"number","exclusiveMinimum":0}""", "0", "$", "not greater than the exclusiveMinimum 0" },
        { """{"type":"number","exclusiveMaximum":1}""", "1.0", "$", "not less than the exclusiveMaximum 1" },
        { """{"type":"number","multipleOf":0.1}""", "0.35", "$", "0.35 is not a multiple of 0.1" },
        { """{"type":"number","maximum":1e30}""", "2e30", "$", "maximum" },
        { """{"type":"array","minItems":2}""", "[1]", "$", "the array has 1 item, fewer than minItems 2" },
        { """{"type":"array","maxItems":1}""", "[1,2]", "$", "more than maxItems 1" },
        { """{"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}}}}}""",
            """{"items":[{"name":"a"},{"name":"b"},{"name":3}]}""", "$.items[2].name", "expected a string" },
        { """{"type":"object","properties":{"my key":{"type":"string"}}}""", """{"my key":1}""", "$['my key']", "expected a string" },
        { """{"anyOf":[{"type":"string"},{"type":"number"}]}""", "true", "$", "none of the 2 anyOf alternatives match" },
        { """{"anyOf":[{"type":"null"},{"type":"object","properties":{"n":{"type":"integer"}}}]}""", """{"n":"x"}""", "$", "closest, alternative 2 at .n: expected an integer" },
        { """{"type":"object","additionalProperties":{"type":"integer"}}""", """{"a":1,"b":"2"}""", "$.b", "expected an integer" },
        { """{"type":"object","patternProperties":{"^x-":{"type":"string"}},"additionalProperties":false}""", """{"x-a":1}""", "$['x-a']", "expected a string" },
        { """{"type":"object","patternProperties":{"^x-":{"type":"string"}},"additionalProperties":false}""", """{"y":"1"}""", "$", "property 'y' is not allowed" },
        { """{"type":"object","required":["id"]}""", """{}""", "$", "missing required property 'id'" },
        { LinkedList, """{"linked_list":{"value":1,"next":{"value":"two","next":null}}}""", "$.linked_list.next", "none of the 2 anyOf alternatives match (closest, alternative 1 at .value: expected a number" },
        { UiTree, """{"type":"div","label":"root","children":[{"type":"span","label":"x","children":[]}]}""", "$.children[0].type", "value 'span' is not one of: 'div', 'button', 'header'" },
        { """{"$defs":{"n":{"type":"integer"}},"type":"array","items":{"$ref":"#/$defs/n"}}""", "[1,2,\"3\"]", "$[2]", "expected an integer" },
    };

    public static TheoryData<string, string, string> RefusedSchemas => new()
    {
        { """{"type":"object","properties":{"a":{"allOf":[{"type":"string"}]}}}""", "$.properties.a.allOf", "not in the subset" },
        { """{"oneOf":[{"type":"string"}]}""", "$.oneOf", "not in the subset" },
        { """{"not":{"type":"string"}}""", "$.not", "not in the subset" },
        { """{"if":{"type":"string"},"then":{"minLength":1}}""", "$.if", "not in the subset" },
        { """{"type":"object","dependentRequired":{"a":["b"]}}""", "$.dependentRequired", "not in the subset" },
        { """{"type":"object","unevaluatedProperties":false}""", "$.unevaluatedProperties", "not in the subset" },
        { """{"type":"array","uniqueItems":true}""", "$.uniqueItems", "not in the subset" },
        { """{"type":"array","prefixItems":[{"type":"string"}]}""", "$.prefixItems", "not in the subset" },
        { """{"type":"array","items":[{"type":"string"}]}""", "$.items", "tuple" },
        { """{"type":"object","minProperties":1}""", "$.minProperties", "not in the subset" },
        { """{"type":"string","nullable":true}""", "$.nullable", "null" },
        { """{"type":"string","maxlength":3}""", "$.maxlength", "unknown keyword" },
        { """{"$ref":"https://example.com/schema.json"}""", "$.$ref", "remote reference" },
        { """{"$ref":"#foo"}""", "$.$ref", "anchor" },
        { """{"$ref":"#/$defs/missing"}""", "#/$defs/missing", "does not resolve" },
        { """{"type":"string","format":"uri"}""", "$.format", "not in the subset" },
        { """{"type":"strin"}""", "$.type", "not a JSON Schema type" },
        { """{"type":"string","pattern":"[a-z"}""", "$.pattern", "not a valid regular expression" },
        { """{"type":"string","pattern":"(?=a)b"}""", "$.pattern", "lookaround" },
        { """{"type":"string","pattern":"(\\w+\\s?){1,500}$"}""", "$.pattern", "too costly" },
        { """{"type":"number","multipleOf":0}""", "$.multipleOf", "greater than 0" },
        { """{"type":"number","exclusiveMinimum":true}""", "$.exclusiveMinimum", "draft-04" },
        { """{"type":"string","minLength":-1}""", "$.minLength", "non-negative integer" },
        { """{"type":"string","maxLength":1.5}""", "$.maxLength", "non-negative integer" },
        { """{"properties":{"a":{"anyOf":[]}}}""", "$.properties.a.anyOf", "non-empty" },
        { """{"properties":{"a":{"enum":[]}}}""", "$.properties.a.enum", "non-empty" },
        { """{"properties":{"a":42}}""", "$.properties.a", "must be an object" },
        { """{"$defs":{"unused":{"patternProperties":{"^a":{"allOf":[]}}}}}""", "$.$defs.unused.patternProperties['^a'].allOf", "not in the subset" },
        { """{"$ref":"#"}""", "$.$ref", "leads back to itself" },
        { """{"$defs":{"a":{"anyOf":[{"type":"null"},{"$ref":"#/$defs/b"}]},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}""", "$ref", "leads back to itself" },
        { """{"type":"string","type":"number"}""", "not valid JSON", "Duplicate" },
        { """{"type":""", "not valid JSON", "" },
    };

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Validate_MatchingAnswer_Passes(string schemaJson, string answer)
    {
        var schema = Compile(schemaJson);

        var ok = schema.Validate(Encoding.UTF8.GetBytes(answer), out var violation);

        Assert.True(ok, violation.ToString());
        Assert.Equal(default, violation);
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Validate_MismatchedAnswer_ReportsPathAndReason(string schemaJson, string answer, string path, string message)
    {
        var schema = Compile(schemaJson);

        var ok = schema.Validate(Encoding.UTF8.GetBytes(answer), out var violation);

        Assert.False(ok);
        Assert.Equal(path, violation.Path);
        Assert.Contains(message, violation.Message, StringComparison.Ordinal);
        Assert.False(violation.IsInvalidJson);
    }

    [Theory]
    [MemberData(nameof(RefusedSchemas))]
    public void TryCompile_KeywordOutsideSubset_RefusesNamingThePath(string schemaJson, string path, string word)
    {
        var ok = JsonSchema.TryCompile(Encoding.UTF8.GetBytes(schemaJson), out var schema, out var error);

        Assert.False(ok);
        Assert.Null(schema);
        Assert.Contains(path, error, StringComparison.Ordinal);
        Assert.Contains(word, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a":1,}""", 7, "comma")]
    [InlineData("""{"a":1} trailing""", 8, "after a single JSON value")]
    [InlineData("", 0, "empty")]
    [InlineData("   ", 3, "empty")]
    [InlineData("{\n  \"a\": tru\n}", 12, "")]
    [InlineData("```json\n{}\n```", 0, "")]
    public void Validate_InvalidJson_ReportsTheBytePosition(string answer, long position, string word)
    {
        var schema = Compile(Person);

        var ok = schema.Validate(Encoding.UTF8.GetBytes(answer), out var violation);

        Assert.False(ok);
        Assert.True(violation.IsInvalidJson);
        Assert.Equal("$", violation.Path);
        Assert.Equal(position, violation.BytePosition);
        Assert.Contains("not valid JSON", violation.Message, StringComparison.Ordinal);
        Assert.Contains(word, violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InvalidUtf8_IsInvalidJsonAtTheByte()
    {
        var schema = Compile("""{"type":"string"}""");
        byte[] answer = [(byte)'"', (byte)'a', 0xC3, 0x28, (byte)'"'];

        var ok = schema.Validate(answer, out var violation);

        Assert.False(ok);
        Assert.Equal(2, violation.BytePosition);
        Assert.Contains("UTF-8", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AnswerNestedPastTheLimit_FailsCleanly()
    {
        var schema = Compile("""{"$defs":{"any":{"anyOf":[{"type":"array","items":{"$ref":"#/$defs/any"}},{"type":"integer"}]}},"$ref":"#/$defs/any"}""");
        var deep = new string('[', 10_000) + "1" + new string(']', 10_000);

        var ok = schema.Validate(Encoding.UTF8.GetBytes(deep), out var violation);

        Assert.False(ok);
        Assert.True(violation.IsInvalidJson);
        Assert.Equal(64, violation.BytePosition);
        Assert.Contains("deeper than 64", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AnswerAtTheNestingLimit_Passes()
    {
        var schema = Compile("""{"$defs":{"any":{"anyOf":[{"type":"array","items":{"$ref":"#/$defs/any"}},{"type":"integer"}]}},"$ref":"#/$defs/any"}""");
        var deep = new string('[', 64) + "1" + new string(']', 64);

        Assert.True(schema.Validate(Encoding.UTF8.GetBytes(deep), out var violation), violation.ToString());
    }

    [Fact]
    public void Validate_ParsedElementNestedPastTheLimit_FailsWithoutOverflow()
    {
        var schema = Compile("""{"$defs":{"t":{"type":"array","items":{"$ref":"#/$defs/t"}}},"$ref":"#/$defs/t"}""");
        var deep = new string('[', 200) + new string(']', 200);
        using var document = JsonDocument.Parse(deep, new JsonDocumentOptions { MaxDepth = 1000 });

        var ok = schema.Validate(document.RootElement, out var violation);

        Assert.False(ok);
        Assert.Contains("deeper than 64", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCompile_SchemaNestedPastTheLimit_Refuses()
    {
        var json = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            json.Append("""{"type":"array","items":""");
        }

        json.Append("{}").Append('}', 100);

        var ok = JsonSchema.TryCompile(Encoding.UTF8.GetBytes(json.ToString()), out _, out var error);

        Assert.False(ok);
        Assert.Contains("deeper than 64", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCompile_SchemaJsonNestedVeryDeep_RefusesWithoutOverflow()
    {
        var json = new string('[', 100_000) + new string(']', 100_000);

        var ok = JsonSchema.TryCompile(Encoding.UTF8.GetBytes(json), out _, out var error);

        Assert.False(ok);
        Assert.Contains("not valid JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCompile_HugeSchema_RefusesPastTheNodeLimit()
    {
        var json = new StringBuilder("""{"type":"object","properties":{""");
        for (var i = 0; i < 20_000; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("\"p").Append(i).Append("\":{\"type\":\"string\"}");
        }

        json.Append("}}");

        var ok = JsonSchema.TryCompile(Encoding.UTF8.GetBytes(json.ToString()), out _, out var error);

        Assert.False(ok);
        Assert.Contains("more than 10000 subschemas", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCompile_FiveThousandProperties_Compiles()
    {
        // OpenAI's documented maximum is 5,000 object properties; the gate must take any schema OpenAI takes.
        var json = new StringBuilder("""{"type":"object","properties":{""");
        for (var i = 0; i < 5_000; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("\"p").Append(i).Append("\":{\"type\":\"integer\"}");
        }

        json.Append("},\"additionalProperties\":false}");
        var schema = Compile(json.ToString());

        Assert.True(schema.Validate("""{"p4999":1,"p0":2}"""u8, out _));
        Assert.False(schema.Validate("""{"p4999":"1"}"""u8, out var violation));
        Assert.Equal("$.p4999", violation.Path);
    }

    [Fact]
    public void TryCompile_TooManyEnumValues_Refuses()
    {
        var values = string.Join(",", Enumerable.Range(0, 1_001));

        var ok = JsonSchema.TryCompile(Encoding.UTF8.GetBytes($$"""{"enum":[{{values}}]}"""), out _, out var error);

        Assert.False(ok);
        Assert.Contains("more than 1000 enum", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AnyOfExplosion_StopsAtTheStepBudget()
    {
        // Each level doubles the work: 40 levels would be 2^40 visits without the budget.
        var defs = new StringBuilder();
        for (var i = 0; i < 40; i++)
        {
            defs.Append(i == 0 ? "" : ",").Append($$"""
                "d{{i}}":{"anyOf":[{"$ref":"#/$defs/d{{i + 1}}"},{"$ref":"#/$defs/d{{i + 1}}"}]}
                """);
        }

        defs.Append(""","d40":{"type":"string"}""");
        var schema = Compile($$"""{"$defs":{{{defs}}},"$ref":"#/$defs/d0"}""");

        var ok = schema.Validate("42"u8, out var violation);

        Assert.False(ok);
        Assert.Contains("validation stopped", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameSchemaFromManyThreads_AgreesWithOneThread()
    {
        var schema = Compile(LinkedList);
        var good = """{"linked_list":{"value":1,"next":{"value":2,"next":null}}}"""u8.ToArray();
        var bad = """{"linked_list":{"value":1,"next":{"value":"x","next":null}}}"""u8.ToArray();

        Parallel.For(0, 2_000, i =>
        {
            var answer = i % 2 == 0 ? good : bad;
            var ok = schema.Validate(answer, out var violation);
            Assert.Equal(i % 2 == 0, ok);
            Assert.Equal(i % 2 == 0 ? "" : "$.linked_list.next", violation.Path ?? "");
        });
    }

    [Fact]
    public void Validate_FourKilobyteAnswer_AllocatesOnlyTheParsedDocument()
    {
        var schema = Compile("""
            {"type":"object","properties":{
               "items":{"type":"array","items":{"$ref":"#/$defs/item"},"maxItems":100},
               "city":{"type":"string","pattern":"^[A-Z][a-z]+$"}},
             "required":["items","city"],"additionalProperties":false,
             "$defs":{"item":{"type":"object","properties":{
               "name":{"type":"string","minLength":1},"price":{"type":"number","minimum":0},"qty":{"type":"integer"},
               "tags":{"type":"array","items":{"enum":["a","b","c"]}},"ok":{"anyOf":[{"type":"null"},{"type":"boolean"}]}},
               "required":["name","price","qty","tags","ok"],"additionalProperties":false}}}
            """);
        var answer = new StringBuilder("""{"items":[""");
        for (var i = 0; i < 40; i++)
        {
            answer.Append(i == 0 ? "" : ",").Append($$"""{"name":"item number {{i}}","price":{{i}}.5,"qty":{{i}},"tags":["a","b"],"ok":true}""");
        }

        answer.Append("""],"city":"Paris"}""");
        var bytes = Encoding.UTF8.GetBytes(answer.ToString());
        Assert.True(schema.Validate(bytes, out var violation), violation.ToString());

        // JsonDocument allocates itself (and rents the rest); the walk adds nothing.
        var perCall = Allocations.Steady(() => schema.Validate(bytes, out _)) / 100;
        Assert.True(perCall <= 200, $"{perCall} bytes per validation");
    }

    [Fact]
    public void Validate_FailureInsideAnyOfThatLaterMatches_BuildsNoMessage()
    {
        var schema = Compile("""{"type":"array","items":{"anyOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"type":"integer"}]}}""");
        var bytes = "[1,2,3,4,5,6,7,8,9,10]"u8.ToArray();
        Assert.True(schema.Validate(bytes, out _));

        Assert.True(Allocations.Steady(() => schema.Validate(bytes, out _)) / 100 <= 200);
    }

    [Fact]
    public void Validate_ParsedElement_MatchesTheByteOverload()
    {
        var schema = Compile(Person);
        using var document = JsonDocument.Parse("""{"name":"Ada","age":"12","city":null}""");

        var ok = schema.Validate(document.RootElement, out var violation);

        Assert.False(ok);
        Assert.Equal("$.age", violation.Path);
    }

    [Fact]
    public void Validate_LongEscapedString_UsesThePooledBuffer()
    {
        var schema = Compile("""{"type":"string","maxLength":1000,"pattern":"^(a|\n)+$"}""");
        var answer = "\"" + string.Concat(Enumerable.Repeat("a\\n", 400)) + "\"";

        Assert.True(schema.Validate(Encoding.UTF8.GetBytes(answer), out var violation), violation.ToString());
        Assert.False(schema.Validate(Encoding.UTF8.GetBytes("\"" + string.Concat(Enumerable.Repeat("a\\n", 600)) + "\""), out violation));
        Assert.Contains("longer than maxLength 1000", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ViolationMessage_QuotesOnOneLineAndTruncates()
    {
        var schema = Compile("""{"enum":["a"]}""");

        schema.Validate(Encoding.UTF8.GetBytes("\"line1\\nline2 " + new string('x', 200) + "\""), out var violation);

        Assert.DoesNotContain("\n", violation.Message, StringComparison.Ordinal);
        Assert.Contains("\\u000a", violation.Message, StringComparison.Ordinal);
        Assert.True(violation.Message.Length < 120, violation.Message);
    }

    /// <summary>
    /// Cases aimed at the reader walk's own bookkeeping: a value read by several subschemas (anyOf, $ref beside other
    /// keywords, properties with patternProperties), values it skips, counts it learns only at the end, numbers at the
    /// edges of decimal and double.
    /// </summary>
    public static TheoryData<string, string> ReaderWalkCases => new()
    {
        { """{"anyOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"type":"object"}]}""", """{"a":1,"b":[1,{"c":2}]}""" },
        { """{"anyOf":[{"type":"array","items":{"type":"string"}},{"type":"array","maxItems":2}]}""", "[1,2]" },
        { """{"anyOf":[{"type":"array","items":{"type":"string"}},{"type":"array","maxItems":2}]}""", "[1,2,3]" },
        { """{"type":"object","properties":{"a":{"type":"integer"}},"anyOf":[{"required":["a"]},{"required":["b"]}]}""", """{"b":{"x":[1]},"a":2}""" },
        { """{"type":"object","properties":{"a":{"type":"integer"}},"anyOf":[{"required":["a"]},{"required":["b"]}]}""", """{"c":1}""" },
        { """{"$defs":{"o":{"type":"object","required":["k"]}},"type":"object","properties":{"k":{"type":"string"}},"$ref":"#/$defs/o"}""", """{"k":"v","z":[{}]}""" },
        { """{"$defs":{"o":{"type":"object","required":["k"]}},"type":"object","properties":{"k":{"type":"string"}},"$ref":"#/$defs/o"}""", """{"z":1}""" },
        { """{"$defs":{"s":{"maxLength":2}},"anyOf":[{"type":"number"},{"type":"string"}],"$ref":"#/$defs/s"}""", "\"abc\"" },
        { """{"type":"object","properties":{"x-a":{"type":"string","minLength":1}},"patternProperties":{"^x-":{"maxLength":3},"a$":{"pattern":"^[a-z]+$"}},"additionalProperties":false}""", """{"x-a":"abc"}""" },
        { """{"type":"object","properties":{"x-a":{"type":"string","minLength":1}},"patternProperties":{"^x-":{"maxLength":3},"a$":{"pattern":"^[a-z]+$"}},"additionalProperties":false}""", """{"x-a":"ab1"}""" },
        { """{"type":"object","patternProperties":{"^x-":{"type":"array"}},"additionalProperties":{"type":"object","properties":{"n":{"const":1}}}}""", """{"x-1":[[]],"y":{"n":1.0},"\u0078-2":[]}""" },
        { """{"type":"object","patternProperties":{"^x-":{"type":"array"}},"additionalProperties":{"type":"object","properties":{"n":{"const":1}}}}""", """{"\u0078-2":{}}""" },
        { """{"type":"object","properties":{"a":{"type":"integer"}}}""", """{"\u0061":1,"a":2}""" },
        { """{"type":"object","properties":{"a":{}},"required":["b"]}""", """{"a":{"deep":[[[{"x":null}]]]},"b":false}""" },
        { """{"type":"array","minItems":2,"maxItems":3}""", "[[1,[2]],{\"a\":[]},3]" },
        { """{"type":"array","minItems":2,"maxItems":3}""", "[[1,[2]]]" },
        { """{"type":"array","items":{"type":"array","items":{"type":"integer","minimum":0}}}""", "[[0,1],[],[2.0,1e3]]" },
        { """{"type":"array","items":{"type":"array","items":{"type":"integer","minimum":0}}}""", "[[0,1],[-1]]" },
        { """{"enum":[{"a":[1,{"b":null}]},[1,2],"x"]}""", """{"a":[1.0,{"b":null}]}""" },
        { """{"enum":[{"a":[1,{"b":null}]},[1,2],"x"]}""", "[2,1]" },
        { """{"const":[1,"a"]}""", "[1,\"a\"]" },
        { """{"enum":["a\"b","\u00e9"]}""", "\"a\\\"b\"" },
        { """{"type":"number","maximum":1e300}""", "1e301" },
        { """{"type":"number","minimum":-1e400}""", "-1e500" },
        { """{"type":"number","multipleOf":0.01}""", "79228162514264337593543950335" },
        { """{"type":"number","multipleOf":0.01}""", "1.005" },
        { """{"type":"integer","maximum":9007199254740993}""", "9007199254740993" },
        { """{"type":"string","minLength":300}""", "\"" + string.Concat(Enumerable.Repeat("\\u00e9", 300)) + "\"" },
        { """{"type":"string","pattern":"^a*$"}""", "\"" + string.Concat(Enumerable.Repeat("a\\u0061", 200)) + "\"" },
        { """{"type":"string","format":"date"}""", "\"2024\\u002d01-02\"" },
        { """{"type":"object"}""", """{"a":1} """ },
        { """{"type":"object"}""", """{"a":1} {}""" },
        { """{"type":"object"}""", """{"a":1""" },
        { """{}""", "" },
        { """{"items":{"type":"integer"}}""", "\"not an array\"" },
        { LinkedList, """{"linked_list":{"next":null,"value":1}}""" },
        { LinkedList, """{"linked_list":{"value":1,"next":{"value":2,"next":{"value":3}}}}""" },
        { UiTree, """{"label":"root","children":[{"children":[],"type":"button","label":"ok"}],"type":"div"}""" },
    };

    [Theory]
    [MemberData(nameof(ValidCases))]
    [MemberData(nameof(ReaderWalkCases))]
    public void Matches_AnyAnswer_AgreesWithTheDocumentWalk(string schemaJson, string answer)
    {
        var schema = Compile(schemaJson);
        var bytes = Encoding.UTF8.GetBytes(answer);

        var byDocument = ValidateByDocument(schema, bytes);

        Assert.Equal(byDocument, schema.Matches(bytes));
        Assert.Equal(byDocument, schema.Validate(bytes, out _));
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Matches_MismatchedAnswer_IsNotProven(string schemaJson, string answer, string path, string message)
    {
        _ = (path, message);
        var schema = Compile(schemaJson);

        Assert.False(schema.Matches(Encoding.UTF8.GetBytes(answer)));
    }

    [Fact]
    public void Matches_AnyOfExplosion_StopsAtTheStepBudget()
    {
        // 2^40 visits without the budget; the reader walk spends the same budget as the document walk.
        var defs = new StringBuilder();
        for (var i = 0; i < 40; i++)
        {
            defs.Append(i == 0 ? "" : ",").Append($$"""
                "d{{i}}":{"anyOf":[{"$ref":"#/$defs/d{{i + 1}}"},{"$ref":"#/$defs/d{{i + 1}}"}]}
                """);
        }

        defs.Append(""","d40":{"type":"string"}""");
        var schema = Compile($$"""{"$defs":{{{defs}}},"$ref":"#/$defs/d0"}""");

        Assert.True(schema.Matches("\"s\""u8));
        Assert.False(schema.Matches("42"u8));
    }

    [Fact]
    public void Matches_FourKilobyteAnswer_AllocatesNothing()
    {
        var schema = Compile("""
            {"type":"object","properties":{"items":{"type":"array","items":{"$ref":"#/$defs/item"}}},"required":["items"],
             "$defs":{"item":{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string","minLength":1},
               "price":{"type":"number","minimum":0},"tags":{"type":"array","items":{"enum":["new","sale","eco"]}},
               "ok":{"anyOf":[{"type":"null"},{"type":"boolean"}]}},"required":["id","name","price","tags","ok"],"additionalProperties":false}}}
            """);
        var answer = new StringBuilder("""{"items":[""");
        for (var i = 0; i < 40; i++)
        {
            answer.Append(i == 0 ? "" : ",").Append($$"""{"id":{{i}},"name":"item é {{i}}","price":{{i}}.25,"tags":["new","eco"],"ok":true}""");
        }

        var bytes = Encoding.UTF8.GetBytes(answer.Append("]}").ToString());
        Assert.True(schema.Matches(bytes));

        Assert.Equal(0, Allocations.Steady(() => schema.Matches(bytes)));
    }

    // The document walk alone: what Validate decided before the reader walk was its fast path.
    private static bool ValidateByDocument(JsonSchema schema, byte[] answer)
    {
        if (!System.Text.Unicode.Utf8.IsValid(answer))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(answer, new JsonDocumentOptions { MaxDepth = 64 });
            return schema.Validate(document.RootElement, out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JsonSchema Compile(string schemaJson)
    {
        Assert.True(JsonSchema.TryCompile(Encoding.UTF8.GetBytes(schemaJson), out var schema, out var error), error);
        return schema;
    }
}
