using Switchyard.Gateway.Economics.Tco;

namespace Switchyard.Gateway.Tests.Economics.Tco;

public sealed class TcoFormatTests
{
    [Theory]
    [InlineData("91250", "$91.3k")]
    [InlineData("1450000", "$1.45M")]
    [InlineData("800000", "$800k")]
    [InlineData("1620000", "$1.62M")]
    [InlineData("1800000", "$1.8M")]
    [InlineData("21900", "$21.9k")]
    [InlineData("999950", "$1M")]
    [InlineData("5", "$5")]
    [InlineData("0", "$0")]
    [InlineData("0.015", "$0.015")]
    [InlineData("-2100", "-$2.1k")]
    [InlineData("2500000000", "$2.5B")]
    public void Money_ThreeSignificantDigitsAndASuffix(string dollars, string expected)
        => Assert.Equal(expected, TcoFormat.Money(decimal.Parse(dollars, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void ExactMoney_WholeDollarsWithoutCentsAndCentsWhenThereAreAny()
    {
        Assert.Equal("$91,250", TcoFormat.ExactMoney(91_250));
        Assert.Equal("$7,604.17", TcoFormat.ExactMoney(91_250m / 12));
        Assert.Equal("-$1,000", TcoFormat.ExactMoney(-1_000));
    }

    [Fact]
    public void Count_And_Percent()
    {
        Assert.Equal("50M", TcoFormat.Count(50_000_000));
        Assert.Equal("130M", TcoFormat.Count(129_600_000));
        Assert.Equal("13.2M", TcoFormat.Count(13_150_684.93m));
        Assert.Equal("60%", TcoFormat.Percent(0.6m));
        Assert.Equal("75%", TcoFormat.Percent(0.75m));
    }

    [Theory]
    [InlineData("50M", "50000000")]
    [InlineData("50m", "50000000")]
    [InlineData("1.2M", "1200000")]
    [InlineData("450k", "450000")]
    [InlineData("$5", "5")]
    [InlineData("$ 2.50", "2.5")]
    [InlineData("2,500", "2500")]
    [InlineData("10_000", "10000")]
    [InlineData("2B", "2000000000")]
    [InlineData("60%", "0.6")]
    [InlineData(" 0.6 ", "0.6")]
    public void TryParse_NumbersAsTheAnalysesWriteThem(string text, string expected)
    {
        Assert.True(TcoFormat.TryParse(text, out var value));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("M")]
    [InlineData("$")]
    [InlineData("-5")]
    [InlineData("five")]
    [InlineData("1e6")]
    [InlineData("50X")]
    [InlineData("1.2.3")]
    public void TryParse_AnythingElse_IsRefused(string text) => Assert.False(TcoFormat.TryParse(text, out _));
}
