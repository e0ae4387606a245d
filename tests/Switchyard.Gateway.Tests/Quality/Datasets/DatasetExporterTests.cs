using Switchyard.Gateway.Quality.Datasets;

namespace Switchyard.Gateway.Tests.Quality.Datasets;

/// <summary><see cref="DatasetExporter.Validate"/>: what reading an exported line back catches, format by format.</summary>
public sealed class DatasetExporterTests
{
    [Theory]
    [InlineData("OpenAI", """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}]}""")]
    [InlineData("OpenAI", """{"messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}],"tools":[]}""")]
    [InlineData("ShareGpt", """{"conversations":[{"from":"human","value":"Hi"},{"from":"gpt","value":"Hello."}]}""")]
    [InlineData("Alpaca", """{"instruction":"Name a colour.","input":"","output":"Blue.","system":"Be terse."}""")]
    public void Validate_GoodLine_NoProblem(string format, string line)
    {
        Assert.Null(DatasetExporter.Validate(line, Enum.Parse<DatasetFormat>(format)));
    }

    [Theory]
    [InlineData("OpenAI", "", "not JSON")]
    [InlineData("OpenAI", """{"messages":[{"role":"user","content":"Hi"}""", "not JSON")]
    [InlineData("OpenAI", """{"messages":[]} {"messages":[]}""", "not JSON")]
    [InlineData("OpenAI", """[{"role":"user","content":"Hi"}]""", "not a JSON object")]
    [InlineData("OpenAI", """{"conversations":[]}""", "'messages' must be an array of at least two messages")]
    [InlineData("OpenAI", """{"messages":[{"role":"assistant","content":"Hello."}]}""", "'messages' must be an array of at least two messages")]
    [InlineData("OpenAI", """{"messages":[{"role":"human","content":"Hi"},{"role":"assistant","content":"Hello."}]}""", "every message needs a role of system, developer, user, assistant or tool")]
    [InlineData("OpenAI", """{"messages":[{"content":"Hi"},{"role":"assistant","content":"Hello."}]}""", "every message needs a role of system, developer, user, assistant or tool")]
    [InlineData("OpenAI", """{"messages":[{"role":1,"content":"Hi"},{"role":"assistant","content":"Hello."}]}""", "every message needs a role of system, developer, user, assistant or tool")]
    [InlineData("OpenAI", """{"messages":["Hi",{"role":"assistant","content":"Hello."}]}""", "every message needs a role of system, developer, user, assistant or tool")]
    [InlineData("OpenAI", """{"messages":[{"role":"assistant","content":"Hello."},{"role":"user","content":"Hi"}]}""", "the last message must be the assistant's answer, with text content")]
    [InlineData("OpenAI", """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":null}]}""", "the last message must be the assistant's answer, with text content")]
    [InlineData("ShareGpt", """{"messages":[]}""", "'conversations' must be an array of at least two turns")]
    [InlineData("ShareGpt", """{"conversations":[{"from":"user","value":"Hi"},{"from":"gpt","value":"Hello."}]}""", "every turn needs 'from' (system, human, gpt, observation) and a string 'value'")]
    [InlineData("ShareGpt", """{"conversations":[{"from":true,"value":"Hi"},{"from":"gpt","value":"Hello."}]}""", "every turn needs 'from' (system, human, gpt, observation) and a string 'value'")]
    [InlineData("ShareGpt", """{"conversations":["Hi",{"from":"gpt","value":"Hello."}]}""", "every turn needs 'from' (system, human, gpt, observation) and a string 'value'")]
    [InlineData("ShareGpt", """{"conversations":[{"from":"human","value":["Hi"]},{"from":"gpt","value":"Hello."}]}""", "every turn needs 'from' (system, human, gpt, observation) and a string 'value'")]
    [InlineData("ShareGpt", """{"conversations":[{"from":"gpt","value":"Hello."},{"from":"human","value":"Hi"}]}""", "the last turn must be from gpt")]
    [InlineData("Alpaca", """{"instruction":"Name a colour.","output":"Blue."}""", "'input' must be a string")]
    [InlineData("Alpaca", """{"instruction":"Name a colour.","input":null,"output":"Blue."}""", "'input' must be a string")]
    [InlineData("Alpaca", """{"instruction":"","input":"","output":"Blue."}""", "'instruction' and 'output' must not be empty")]
    [InlineData("Alpaca", """{"instruction":"Name a colour.","input":"","output":""}""", "'instruction' and 'output' must not be empty")]
    public void Validate_BadLine_SaysWhatIsWrong(string format, string line, string problem)
    {
        var found = DatasetExporter.Validate(line, Enum.Parse<DatasetFormat>(format));

        Assert.NotNull(found);
        Assert.StartsWith(problem, found, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AnotherFormatsLine_IsCaught()
    {
        const string ShareGpt = """{"conversations":[{"from":"human","value":"Hi"},{"from":"gpt","value":"Hello."}]}""";

        Assert.NotNull(DatasetExporter.Validate(ShareGpt, DatasetFormat.OpenAI));
        Assert.NotNull(DatasetExporter.Validate(ShareGpt, DatasetFormat.Alpaca));
    }
}
