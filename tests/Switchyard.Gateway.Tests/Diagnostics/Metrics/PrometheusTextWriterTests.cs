using Switchyard.Gateway.Diagnostics.Metrics;

namespace Switchyard.Gateway.Tests.Diagnostics.Metrics;

/// <summary>The exposition writer against the specification, read back by the strict reader of the tests.</summary>
public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void Sample_LabelValueWithBackslashQuoteAndLineFeed_IsEscapedAndReadsBackAsItWas()
    {
        var writer = new PrometheusTextWriter();
        writer.Family("test_gauge", "gauge", "A gauge.");
        writer.Sample(1L, ("name", "a\\b\"c\nd"), ("plain", "x"));

        var text = writer.ToString();
        Assert.Contains("test_gauge{name=\"a\\\\b\\\"c\\nd\",plain=\"x\"} 1\n", text, StringComparison.Ordinal);
        var sample = Assert.Single(PrometheusText.Parse(writer.ToUtf8()).Samples("test_gauge"));
        Assert.Equal("a\\b\"c\nd", sample.Labels["name"]);
    }

    [Fact]
    public void Family_HelpWithBackslashAndLineFeed_IsEscaped_AndUtf8IsKept()
    {
        var writer = new PrometheusTextWriter();
        writer.Family("test_total", "counter", "Dollars in € and a \\ path\nover two lines.");
        writer.Sample(3L, ("route", "café"));

        Assert.StartsWith("# HELP test_total Dollars in € and a \\\\ path\\nover two lines.\n# TYPE test_total counter\n", writer.ToString(), StringComparison.Ordinal);
        var parsed = PrometheusText.Parse(writer.ToUtf8());
        Assert.Equal("Dollars in € and a \\ path\nover two lines.", parsed.Families["test_total"].Help);
        Assert.Equal("café", Assert.Single(parsed.Samples("test_total")).Labels["route"]);
    }

    [Fact]
    public void Histogram_BucketsAreCumulative_EndWithInf_AndTheInfBucketIsTheCount()
    {
        var histogram = new Histogram([0.1, 1, 10]);
        foreach (var seconds in new[] { 0.0, 0.05, 0.1, 0.5, 2, 9.99, 11, 600, -1, double.NaN })
        {
            histogram.Observe(seconds);
        }

        var writer = new PrometheusTextWriter();
        writer.Family("test_seconds", "histogram", "Seconds.");
        writer.Histogram(histogram, ("route", "chat"));
        var parsed = PrometheusText.Parse(writer.ToUtf8());

        double Bucket(string le) => parsed.Sum("test_seconds_bucket", ("le", le));
        // 0, 0.05, 0.1 and the two values that are not latencies (counted as 0) are <= 0.1; the bound is inclusive.
        Assert.Equal(5, Bucket("0.1"));
        Assert.Equal(6, Bucket("1"));
        Assert.Equal(8, Bucket("10"));
        Assert.Equal(10, Bucket("+Inf"));
        Assert.Equal(10, parsed.Sum("test_seconds_count"));
        Assert.Equal(0.05 + 0.1 + 0.5 + 2 + 9.99 + 11 + 600, parsed.Sum("test_seconds_sum"), 6);
    }

    [Fact]
    public void Family_MisuseThatWouldBreakTheFormat_Throws()
    {
        var writer = new PrometheusTextWriter();
        Assert.Throws<InvalidOperationException>(() => writer.Sample(1L));
        Assert.Throws<InvalidOperationException>(() => writer.Family("requests", "counter", "A counter must end with _total."));
        Assert.Throws<InvalidOperationException>(() => writer.Family("9lives", "gauge", "Not a metric name."));
        writer.Family("ok_total", "counter", "Fine.");
        Assert.Throws<InvalidOperationException>(() => writer.Family("ok_total", "counter", "Twice."));
        Assert.Throws<InvalidOperationException>(() => writer.Sample(1L, ("le", "1")));
        Assert.Throws<InvalidOperationException>(() => writer.Sample(1L, ("__reserved", "1")));
        Assert.Throws<InvalidOperationException>(() => writer.Histogram(new Histogram([1])));
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-9, "1E-09")]
    [InlineData(12345678.5, "12345678.5")]
    public void Format_WritesWhatGoParseFloatReads(double value, string expected) => Assert.Equal(expected, PrometheusTextWriter.Format(value));

    /// <summary>The reader the other tests rely on refuses what the format forbids (so its acceptance means something).</summary>
    [Theory]
    [InlineData("# HELP a_total A.\n# TYPE a_total counter\na_total 1", "line feed")]
    [InlineData("# HELP a A.\n# TYPE a counter\na 1\n", "_total")]
    [InlineData("a_total 1\n", "before any HELP")]
    [InlineData("# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\"} 1\na_total{x=\"1\"} 2\n", "duplicate series")]
    [InlineData("# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"\\t\"} 1\n", "not an escape")]
    [InlineData("# HELP a_total A.\n# TYPE a_total counter\n# HELP b B.\n# TYPE b gauge\nb 1\na_total 1\n", "does not belong")]
    [InlineData("# HELP a_total A.\n# TYPE a_total counter\na_total -1\n", "never negative")]
    [InlineData("# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "cumulative")]
    [InlineData("# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", "differs from _count")]
    [InlineData("# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", "+Inf")]
    [InlineData("# HELP a A.\n# TYPE a gauge\na 1 1700000000\n", "not a value")]
    public void StrictReader_RefusesWhatTheFormatForbids(string exposition, string problem)
    {
        var error = Assert.Throws<FormatException>(() => PrometheusText.Parse(exposition));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StrictReader_RefusesInvalidUtf8()
        => Assert.Throws<FormatException>(() => PrometheusText.Parse([.. "# HELP a A.\n# TYPE a gauge\na{x=\""u8, 0xC3, 0x28, .. "\"} 1\n"u8]));
}
