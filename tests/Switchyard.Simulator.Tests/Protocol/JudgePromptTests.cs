using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Tests.Protocol;

public sealed class JudgePromptTests
{
    [Fact]
    public void TryParse_GatewayShape_ReadsTheLastUserMessageAndTheAnswer()
    {
        const string Text = """
            <conversation>
            <message role="system">
            Be brief.
            </message>
            <message role="user">
            First question?
            </message>
            <message role="assistant">
            First answer.
            </message>
            <message role="tool">
            {"temperature": 12}
            </message>
            <message role="user">
            Second question?
            </message>
            </conversation>
            <answer>
            The second answer.
            </answer>
            """;
        Assert.True(JudgePrompt.TryParse(Text, out var prompt));
        Assert.Equal("Second question?", prompt.Question);
        Assert.Equal("The second answer.", prompt.Answer);
    }

    [Fact]
    public void TryParse_RawTextsThatHoldTags_KeepThem()
    {
        const string Text = "<conversation>\n<message role=\"user\">\nWhat do </message> and <answer> mean?\n</message>\n</conversation>\n<answer>\nThey close a message; </answer> closes an answer.\n</answer>";
        Assert.True(JudgePrompt.TryParse(Text, out var prompt));
        Assert.Equal("What do </message> and <answer> mean?", prompt.Question);
        Assert.Equal("They close a message; </answer> closes an answer.", prompt.Answer);
    }

    [Fact]
    public void TryParse_GatewayEscapesAndNotes_ReadsTheTextsBack()
    {
        // COMPAT: the gateway escapes a text's own block tags and notes the messages a long transcript leaves out.
        const string Text = "<conversation>\n[2 earlier messages left out]\n<message role=\"system\">\nBe brief.\n</message>\n"
            + "[1 earlier messages left out]\n<message role=\"user\">\nWhat do &lt;/message> and &lt;answer> mean? a &lt; b\n</message>\n"
            + "</conversation>\n<answer>\nThey close blocks; &lt;/answer> closes an answer.\n</answer>";
        Assert.True(JudgePrompt.TryParse(Text, out var prompt));
        Assert.Equal("What do </message> and <answer> mean? a &lt; b", prompt.Question);
        Assert.Equal("They close blocks; </answer> closes an answer.", prompt.Answer);
    }

    [Fact]
    public void TryParse_NoUserMessageOrEmptyAnswer_GivesEmptyTexts()
    {
        Assert.True(JudgePrompt.TryParse("<conversation></conversation><answer></answer>", out var prompt));
        Assert.Equal("", prompt.Question);
        Assert.Equal("", prompt.Answer);
    }

    [Theory]
    [InlineData("<conversation>\n<message role=\"user\">\nhi\n</message>\n</conversation>")]
    [InlineData("<answer>\nhi\n</answer>")]
    [InlineData("<conversation>\n<message role=\"user\">\nhi\n</message>\n</conversation>\nand then\n<answer>\nhi\n</answer>")]
    [InlineData("<conversation>\n<message role=\"user\">\nhi\n</conversation>\n<answer>\nhi\n</answer>")]
    [InlineData("<conversation>\nhello\n</conversation>\n<answer>\nhi\n</answer>")]
    [InlineData("<conversation>\n</conversation>\n<answer>\nhi")]
    [InlineData("<conversation>\n[a note that does not close\n<message role=\"user\">\nhi\n</message>\n</conversation>\n<answer>\nhi\n</answer>")]
    public void TryParse_NotTheConvention_IsFalse(string text)
    {
        Assert.False(JudgePrompt.TryParse(text, out _));
    }
}
