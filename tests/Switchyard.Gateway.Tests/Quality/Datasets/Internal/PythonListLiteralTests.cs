using Switchyard.Gateway.Quality.Datasets.Internal;

namespace Switchyard.Gateway.Tests.Quality.Datasets.Internal;

public sealed class PythonListLiteralTests
{
    [Theory]
    [InlineData("['What is 2+2?']", "What is 2+2?")]
    [InlineData("[\"It's one line.\"]", "It's one line.")]
    [InlineData(@"['He\'s here.\nNext line']", "He's here.\nNext line")]
    [InlineData(@"[""say \""hi\""""]", "say \"hi\"")]
    [InlineData(@"['a\\b', 'tab\there']", "a\\b\ntab\there")]
    [InlineData("  ['first', \"second\",]  ", "first\nsecond")]
    [InlineData(@"['caf\xe9 \u00e9 \U0001F600']", "café é 😀")]
    [InlineData(@"[""\ud83d\ude00""]", "😀")]
    [InlineData(@"['unknown \q escape']", @"unknown \q escape")]
    public void TryUnwrap_AListOfStrings_GivesTheText(string value, string expected)
    {
        Assert.True(PythonListLiteral.TryUnwrap(value, out var text));
        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData("What is [this]?")]
    [InlineData("[1, 2, 3]")]
    [InlineData("['unclosed]")]
    [InlineData("['a'] and more")]
    [InlineData("['a' 'b']")]
    [InlineData("[]")]
    [InlineData("[see above] then ['x']")]
    [InlineData("['a'], ['b']")]
    public void TryUnwrap_AnythingElse_IsLeftAlone(string value)
    {
        Assert.False(PythonListLiteral.TryUnwrap(value, out var text));
        Assert.Equal(value, text);
    }
}
