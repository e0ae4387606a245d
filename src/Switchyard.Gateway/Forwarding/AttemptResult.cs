using Switchyard.Gateway.Fallback;

namespace Switchyard.Gateway.Forwarding;

/// <summary>What one attempt at one deployment came to.</summary>
internal readonly struct AttemptResult
{
    private AttemptResult(UpstreamFailure? failure, bool committed, Usage? usage, long firstByteTimestamp, int status, HeldAnswer? held = null, Economics.DeploymentPrice? price = null)
    {
        Price = price;
        Held = held;
        Failure = failure;
        Committed = committed;
        Usage = usage;
        FirstByteTimestamp = firstByteTimestamp;
        Status = status;
    }

    /// <summary>Why it failed, or null when the client got a whole answer.</summary>
    public UpstreamFailure? Failure { get; }

    /// <summary>Whether bytes reached the client: after that, no other deployment can be tried.</summary>
    public bool Committed { get; }

    /// <summary>
    /// The tokens the call spent: the answer's usage, or, for a failure, what flowed before it (a cut stream's chunks, a
    /// hedge's lost answer), which the upstream bills too. <see langword="null"/> when nothing is known to have been spent.
    /// </summary>
    public Usage? Usage { get; }

    /// <summary>The deployment's price when the call was made: what <see cref="Usage"/> costs, in the header and the log alike.</summary>
    public Economics.DeploymentPrice? Price { get; }

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the first byte sent to the client, or 0.</summary>
    public long FirstByteTimestamp { get; }

    /// <summary>The HTTP status the client got, when committed.</summary>
    public int Status { get; }

    /// <summary>
    /// A whole answer the quality gate holds back: not yet sent, so the request may still escalate to the next tier.
    /// </summary>
    public HeldAnswer? Held { get; }

    /// <summary>A whole, valid answer kept for the quality gate's decision; nothing reached the client.</summary>
    public static AttemptResult Hold(HeldAnswer held) => new(null, committed: false, held.Usage, 0, StatusCodes.Status200OK, held, held.Price);

    public static AttemptResult Success(Usage? usage, long firstByteTimestamp, Economics.DeploymentPrice? price)
        => new(null, committed: true, usage, firstByteTimestamp, StatusCodes.Status200OK, price: price);

    public static AttemptResult Failed(UpstreamFailure failure) => new(failure, committed: false, null, 0, 0);

    /// <summary>A failure after tokens flowed: <paramref name="spent"/> (at <paramref name="price"/>) is billed all the same.</summary>
    public static AttemptResult Failed(UpstreamFailure failure, Usage? spent, Economics.DeploymentPrice? price)
        => new(failure, committed: false, spent, 0, 0, price: price);

    /// <summary>A stream that broke after the client had its first chunk: the client got an error event, not a lie.</summary>
    public static AttemptResult FailedAfterCommit(UpstreamFailure failure, Usage? spent, long firstByteTimestamp, Economics.DeploymentPrice? price)
        => new(failure, committed: true, spent, firstByteTimestamp, StatusCodes.Status200OK, price: price);
}
