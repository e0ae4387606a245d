using Switchyard.Gateway.Fallback;

namespace Switchyard.Gateway.Tests.Fallback;

public class FailureMapperTests
{
    [Fact]
    public void ToApiError_AllRateLimited_Is429WithShortestRetryAfter()
    {
        var error = FailureMapper.ToApiError("chat",
        [
            new UpstreamFailure(UpstreamFailureKind.RateLimited, "a", "upstream answered 429") { RetryAfterSeconds = 7 },
            new UpstreamFailure(UpstreamFailureKind.RateLimited, "b", "upstream answered 429") { RetryAfterSeconds = 3 },
        ]);
        Assert.Equal(429, error.Status);
        Assert.Equal(3, error.RetryAfterSeconds);
    }

    [Fact]
    public void ToApiError_LastTimedOut_Is504NamingEveryDeployment()
    {
        var error = FailureMapper.ToApiError("chat",
        [
            new UpstreamFailure(UpstreamFailureKind.ServerError, "llama", "upstream answered 503"),
            new UpstreamFailure(UpstreamFailureKind.Timeout, "gpt-4o", "no answer within the total (30s) timeout"),
        ]);
        Assert.Equal(504, error.Status);
        Assert.Contains("llama: upstream answered 503", error.Message, StringComparison.Ordinal);
        Assert.Contains("gpt-4o: no answer", error.Message, StringComparison.Ordinal);
        Assert.Contains("'chat'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToApiError_Mixed_Is502()
    {
        var error = FailureMapper.ToApiError("chat",
        [
            new UpstreamFailure(UpstreamFailureKind.RateLimited, "a", "429") { RetryAfterSeconds = 1 },
            new UpstreamFailure(UpstreamFailureKind.Connect, "b", "refused"),
        ]);
        Assert.Equal(502, error.Status);
        Assert.Null(error.RetryAfterSeconds);
    }

    [Fact]
    public void ToApiError_AllSaturated_Is503()
    {
        Assert.Equal(503, FailureMapper.ToApiError("r", [new UpstreamFailure(UpstreamFailureKind.Saturated, "a", "full")]).Status);
    }

    [Theory]
    [InlineData(nameof(UpstreamFailureKind.ClientError), false)]
    [InlineData(nameof(UpstreamFailureKind.ClientGone), false)]
    [InlineData(nameof(UpstreamFailureKind.ContextLength), true)]
    [InlineData(nameof(UpstreamFailureKind.RateLimited), true)]
    [InlineData(nameof(UpstreamFailureKind.BrokenResponse), true)]
    [InlineData(nameof(UpstreamFailureKind.Rejected), true)]
    public void ShouldTryNext_DependsOnlyOnTheKind(string kind, bool expected)
    {
        Assert.Equal(expected, FailoverPolicy.ShouldTryNext(new UpstreamFailure(Enum.Parse<UpstreamFailureKind>(kind), "d", "x")));
    }
}
