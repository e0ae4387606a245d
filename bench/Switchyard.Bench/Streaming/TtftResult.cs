namespace Switchyard.Bench.Streaming;

/// <summary>Time to the first <c>data:</c> chunk over one target's sequential streaming requests.</summary>
/// <param name="Requested">Streams measured (after the unmeasured warm-up ones).</param>
/// <param name="Completed">Streams that answered 200, sent a first chunk and ended with <c>data: [DONE]</c>.</param>
/// <param name="Errors">Streams that did not: a non-200 answer, no chunk, no <c>[DONE]</c>, or a timeout.</param>
/// <param name="MedianMs">Median time to the first chunk, in milliseconds, over the completed streams.</param>
/// <param name="P99Ms">99th percentile of the same.</param>
/// <param name="FirstError">What went wrong the first time, if anything did.</param>
internal sealed record TtftResult(int Requested, int Completed, int Errors, double MedianMs, double P99Ms, string? FirstError);
