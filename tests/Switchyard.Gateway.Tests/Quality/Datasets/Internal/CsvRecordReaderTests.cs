using Switchyard.Gateway.Quality.Datasets.Internal;

namespace Switchyard.Gateway.Tests.Quality.Datasets.Internal;

public sealed class CsvRecordReaderTests
{
    [Fact]
    public void Read_QuotedFields_KeepCommasQuotesAndLineBreaks()
    {
        var records = Read("a,b,c\r\n1,\"two, three\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,x\n");

        Assert.Equal(3, records.Count);
        Assert.Equal(["a", "b", "c"], records[0].Fields);
        Assert.Equal(["1", "two, three", "say \"hi\""], records[1].Fields);
        Assert.Equal(["multi\nline", "", "x"], records[2].Fields);
        Assert.Equal([1, 2, 3], records.Select(r => r.Line));
        Assert.All(records, r => Assert.Null(r.Error));
    }

    [Fact]
    public void Read_LineNumbers_CountLineBreaksInsideFieldsAndSkipBlankLines()
    {
        var records = Read("h\n\"one\ntwo\nthree\"\n\nlast");

        Assert.Equal([1, 2, 6], records.Select(r => r.Line));
        Assert.Equal("last", records[2].Fields[0]);
    }

    [Fact]
    public void Read_NoTrailingNewline_KeepsTheLastRecordAndAnEmptyLastField()
    {
        var records = Read("a,b\n1,");

        Assert.Equal(["1", ""], records[1].Fields);
    }

    [Fact]
    public void Read_UnclosedQuote_SaysSoOnTheLineItStarts()
    {
        var records = Read("a,b\n1,\"open\nstill open");

        Assert.Equal(2, records[1].Line);
        Assert.Contains("not closed before the end of the file", records[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TextAfterAClosingQuote_IsAnError()
    {
        var records = Read("a,b\n\"x\"y,2\n");

        Assert.Contains("text after a closing quote", records[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AStrayQuoteInAnUnquotedField_IsAnError()
    {
        var records = Read("a\n5\" screen\n");

        Assert.Contains("write the quote twice", records[1].Error, StringComparison.Ordinal);
    }

    private static List<CsvRecord> Read(string text) => [.. CsvRecordReader.Read(new StringReader(text))];
}
