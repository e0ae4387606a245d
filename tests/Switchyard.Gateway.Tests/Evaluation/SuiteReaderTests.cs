using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchyard.Gateway.Evaluation;
using Switchyard.Gateway.Evaluation.Scoring;

namespace Switchyard.Gateway.Tests.Evaluation;

/// <summary>Suite files in both formats: what they become, and every mistake reported with its line and field.</summary>
public sealed class SuiteReaderTests
{
    private const string Jsonl = """
        {"suite": "geo", "judge": {"model": "frontier", "rubric": "Correct."}, "defaults": {"params": {"temperature": 0}}}
        # a comment line
        {"id": "capital", "use_case": "facts", "messages": [{"role": "user", "content": "Capital of France?"}], "score": {"type": "contains", "values": ["Paris"]}}

        {"id": "sum", "use_case": "math", "messages": [{"role": "user", "content": "2+2?"}], "params": {"max_tokens": 50}, "stream": true, "tags": ["Math"], "score": [{"type": "numeric", "expected": 4}, {"type": "judge"}]}
        """;

    private const string Yaml = """
        suite: geo
        judge: { model: frontier, rubric: "Correct." }
        defaults:
          params: { temperature: 0 }
        cases:
          - id: capital
            use_case: facts
            messages:
              - { role: user, content: "Capital of France?" }
            score: { type: contains, values: [Paris] }
          - id: sum
            use_case: math
            messages: [{ role: user, content: "2+2?" }]
            params: { max_tokens: 50 }
            stream: true
            tags: [Math]
            score:
              - { type: numeric, expected: 4 }
              - { type: judge }
        """;

    [Fact]
    public void Parse_JsonLines_BuildsTheCasesWithTheSettings()
    {
        var suite = Valid(Jsonl, "geo.jsonl");

        Assert.Equal("geo", suite.Name);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Jsonl))), suite.Hash);
        Assert.Equal(["facts", "math"], suite.UseCases.AsEnumerable());
        Assert.Equal(new EvalModel("frontier", null), suite.Judge!.Model);
        Assert.Equal("Correct.", suite.Judge.Rubric);
        var sum = suite.Cases[1];
        Assert.Equal(5, sum.Line);
        Assert.True(sum.Stream);
        Assert.Equal(["math"], sum.Tags.AsEnumerable());
        Assert.Equal(["numeric", "judge"], sum.Scorers.Select(s => s.Kind));
        var body = JsonNode.Parse(sum.Body("open"))!;
        Assert.Equal("open", (string?)body["model"]);
        Assert.Equal(0, (int)body["temperature"]!);
        Assert.Equal(50, (int)body["max_tokens"]!);
        Assert.True((bool)body["stream"]!);
        Assert.True((bool)body["stream_options"]!["include_usage"]!);
    }

    [Fact]
    public void Parse_YamlAndJsonLines_GiveTheSameCases()
    {
        var fromYaml = Valid(Yaml, "geo.yaml");
        var fromJsonl = Valid(Jsonl, "geo.jsonl");

        Assert.Equal(fromJsonl.Cases.Select(c => (c.Id, c.UseCase, c.Stream, Encoding.UTF8.GetString(c.Body("m")))), fromYaml.Cases.Select(c => (c.Id, c.UseCase, c.Stream, Encoding.UTF8.GetString(c.Body("m")))));
        Assert.Equal(fromJsonl.Judge, fromYaml.Judge);
        Assert.Equal(6, fromYaml.Cases[0].Line);
    }

    [Fact]
    public void Parse_YamlNumbersAndQuotedText_KeepTheirTypes()
    {
        var suite = Valid("""
            cases:
              - id: 7
                messages: [{ role: user, content: "42" }]
                params: { temperature: 0.5, seed: 3, stop: ["\n"] }
                score: { type: exact, expected: "42" }
            """, "t.yml");

        var body = JsonNode.Parse(suite.Cases[0].Body("m"))!;
        Assert.Equal("7", suite.Cases[0].Id);
        Assert.Equal("default", suite.Cases[0].UseCase);
        Assert.Equal("42", (string?)body["messages"]![0]!["content"]);
        Assert.Equal(0.5, (double)body["temperature"]!);
        Assert.Equal(3, (long)body["seed"]!);
    }

    [Fact]
    public void Parse_CaseIdsDefault_ToTheirPosition()
    {
        var suite = Valid("""{"messages": [{"role": "user", "content": "Hi"}], "score": {"type": "quality_gate"}}""", "s.jsonl");

        Assert.Equal("case-1", suite.Cases[0].Id);
        Assert.IsType<QualityGateScorer>(suite.Cases[0].Scorers[0]);
    }

    [Fact]
    public void Parse_JsonSchemaScorerWithoutSchema_UsesTheResponseFormats()
    {
        var suite = Valid("""
            {"id": "j", "messages": [{"role": "user", "content": "City?"}], "response_format": {"type": "json_schema", "json_schema": {"name": "c", "schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}, "score": {"type": "json_schema"}}
            """, "s.jsonl");

        Assert.IsType<JsonSchemaScorer>(suite.Cases[0].Scorers[0]);
    }

    [Fact]
    public void Parse_JsonLinesMistakes_AreEachReportedWithTheirLine()
    {
        var errors = Errors("""
            {"id": "a", "mesages": [{"role": "user", "content": "Hi"}], "score": {"type": "exact", "expected": "x"}}
            {"id": "b", "messages": [{"role": "user", "content": "Hi"}], "score": {"type": "regex", "pattern": "(unclosed"}}
            {"id": "c", "messages": [{"role": "user", "content": "Hi"}], "score": {"type": "exactly", "expected": "x"}}
            {"id": "b", "messages": [{"role": "assistant", "content": "Hi"}], "score": {"type": "exact", "expected": "x"}}
            {"id": "e", "messages": [{"role": "user", "content": "Hi"}], "score": {"type": "judge"}}
            {"id": "f", "messages": [{"role": "user", "content": "Hi"}] "score": {}}
            {"id": "g", "messages": [{"role": "user", "content": "Hi"}], "params": {"model": "x", "n": 3}, "score": {"type": "numeric", "expected": "four"}}
            {"id": "b", "messages": [{"role": "user", "content": "Hi"}], "score": {"type": "json_schema", "schema": {"type": "object", "minProperties": 1}}}
            """, "bad.jsonl");

        Assert.Contains(errors, e => e.StartsWith("bad.jsonl:1: mesages: unknown field. Did you mean 'messages'?", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bad.jsonl:1: messages: missing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bad.jsonl:2: score.pattern: not a valid .NET regular expression", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bad.jsonl:3: score.type: 'exactly' is not a scorer. Did you mean 'exact'? Use one of", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bad.jsonl:4: messages[0].role: the last message must be the user's", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bad.jsonl:5: score: this case is scored by a judge, but the suite names none", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bad.jsonl:6: (line): not JSON", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bad.jsonl:7: params.model: is set by eval run", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bad.jsonl:7: params.n: only one choice is scored", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bad.jsonl:7: score.expected: expected a number but found the text 'four'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bad.jsonl:8: score.schema: the schema cannot be used", StringComparison.Ordinal));
        // A duplicate id is reported whatever else is wrong with the cases, naming the first line it was used on.
        Assert.Contains(errors, e => e.StartsWith("bad.jsonl:4: id: the id 'b' is used twice (first on line 2)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bad.jsonl:8: id: the id 'b' is used twice (first on line 2)", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("LineNumber", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_YamlMistakes_NameTheLineOfTheField()
    {
        var errors = Errors("""
            suite: s
            judge: { rubric: "x" }
            cases:
              - id: a
                messages:
                  - { role: user, content: "Hi" }
                score:
                  type: contains
                  values: []
              - id: b
                messages: [{ role: user, content: "Hi" }]
                stream: yes please
                score: { type: numeric, expected: 1, tolerance: -1 }
            """, "bad.yaml");

        Assert.Contains(errors, e => e.StartsWith("bad.yaml:2: judge.model: missing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bad.yaml:9: cases[0].score.values: an empty list", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bad.yaml:12: cases[1].stream: expected true or false but found the text 'yes please'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("bad.yaml:13: cases[1].score.tolerance: -1 is out of range", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_YamlSyntaxError_SaysWhereAndHowToFix()
    {
        var errors = Errors("cases:\n  - id: a\n    messages: [{ role: user, content: \"Hi\" }\n    score: { type: quality_gate }\n", "bad.yaml");

        var error = Assert.Single(errors);
        Assert.StartsWith("bad.yaml:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JudgeOverride_SuppliesTheJudge()
    {
        var result = SuiteReader.Parse(Encoding.UTF8.GetBytes("""{"messages": [{"role": "user", "content": "Hi"}], "score": {"type": "judge"}}"""), "s.jsonl", new EvalModel("chat", "gpt-4o"));

        Assert.Empty(result.Errors);
        Assert.Equal("chat@gpt-4o", result.Suite!.Judge!.Model.Name);
    }

    [Theory]
    [InlineData("suite.txt", "'.txt' is not a suite format")]
    [InlineData("empty.jsonl", "the suite has no cases")]
    public void Parse_UnusableFiles_SayWhy(string name, string message)
        => Assert.Contains(Errors(name.EndsWith(".txt", StringComparison.Ordinal) ? "x" : "\n\n", name), e => e.Contains(message, StringComparison.Ordinal));

    [Fact]
    public void Read_MissingFile_SaysSo()
    {
        var result = SuiteReader.Read(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".jsonl"));

        Assert.Contains("does not exist", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CommittedExample_ReadsWithEveryScorerType()
    {
        var result = SuiteReader.Read(EvalRunnerTests.SamplePath("example-suite.yaml"));

        Assert.True(result.Suite is not null, string.Join("\n", result.Errors));
        Assert.Equal(["regex", "exact", "numeric", "contains", "not_contains", "json_schema", "judge", "quality_gate"], result.Suite.Cases.SelectMany(c => c.Scorers).Select(s => s.Kind));
        Assert.Equal(["policy", "arithmetic", "extraction", "tone"], result.Suite.UseCases.AsEnumerable());
        Assert.Equal(400, (int)JsonNode.Parse(result.Suite.Cases[0].Body("m"))!["max_tokens"]!);
    }

    [Theory]
    [InlineData("chat", "chat", null)]
    [InlineData("chat@llama-70b", "chat", "llama-70b")]
    public void EvalModel_Parses_RoutesAndPinnedDeployments(string text, string route, string? deployment)
    {
        Assert.True(EvalModel.TryParse(text, out var model, out _));
        Assert.Equal(new EvalModel(route, deployment), model);
        Assert.Equal(text, model.Name);
    }

    [Theory]
    [InlineData("@x")]
    [InlineData("chat@")]
    [InlineData("a@b@c")]
    public void EvalModel_Malformed_IsRefused(string text)
        => Assert.False(EvalModel.TryParse(text, out _, out _));

    private static EvalSuite Valid(string text, string file)
    {
        var result = SuiteReader.Parse(Encoding.UTF8.GetBytes(text), file);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        return result.Suite!;
    }

    private static List<string> Errors(string text, string file)
    {
        var result = SuiteReader.Parse(Encoding.UTF8.GetBytes(text), file);
        Assert.Null(result.Suite);
        return [.. result.Errors.Select(e => e.ToString())];
    }
}
