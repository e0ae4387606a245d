using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Tests.Configuration;

/// <summary><c>responses:</c> in <c>switchyard.yaml</c>: read, defaulted, and every mistake reported with file, line and key.</summary>
public sealed class ResponsesConfigTests
{
    private const string Tail = """
        providers:
          vllm: { kind: openai, base_url: http://localhost:8000/v1 }
        deployments:
          llama: { provider: vllm, model: llama }
        routes:
          chat: { deployments: [llama] }
        """;

    private static ConfigLoadResult Parse(string section) => ConfigLoader.Parse(section + "\n" + Tail, "switchyard.yaml", _ => null);

    private static ResponsesConfig Responses(string section)
    {
        var result = Parse(section);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Config!.Responses;
    }

    [Fact]
    public void NoSection_KeepsThirtyDaysForTheKey()
    {
        var responses = Responses("");

        Assert.Equal(TimeSpan.FromDays(30), responses.Retention);
        Assert.Equal(ResponsesScope.Key, responses.Scope);
        Assert.Equal(responses, Responses("responses: {}"));
    }

    [Theory]
    [InlineData("responses: { retention: 7d, scope: team }", 7 * 24, ResponsesScope.Team)]
    [InlineData("responses: { retention: 36h }", 36, ResponsesScope.Key)]
    [InlineData("responses:\n  retention: 0.5d\n  scope: key", 12, ResponsesScope.Key)]
    public void Section_IsRead(string section, int hours, ResponsesScope scope)
    {
        var responses = Responses(section);

        Assert.Equal(TimeSpan.FromHours(hours), responses.Retention);
        Assert.Equal(scope, responses.Scope);
    }

    [Theory]
    [InlineData("responses: { retention: forever }", "responses.retention", "is not a duration")]
    [InlineData("responses: { retention: 30 }", "responses.retention", "has no unit")]
    [InlineData("responses: { retention: 0d }", "responses.retention", "longer than zero")]
    [InlineData("responses: { scope: project }", "responses.scope", "'key', 'team'")]
    [InlineData("responses: { ttl: 30d }", "responses.ttl", "Valid keys here")]
    [InlineData("responses: 30d", "responses", "expected a mapping")]
    public void Mistake_IsReportedWithFileLineAndKey(string section, string key, string message)
    {
        var result = Parse(section);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("switchyard.yaml", 1), (error.File, error.Line));
        Assert.Equal(key, error.Key);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
