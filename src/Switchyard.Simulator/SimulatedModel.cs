using System.Collections.Immutable;

namespace Switchyard.Simulator;

/// <summary>
/// One model the simulator serves: how fast it answers, how well it answers each kind of prompt, and how often it fails.
/// </summary>
/// <remarks>
/// Answers are deterministic (a function of the model name, the messages and the request's <c>seed</c>); only timing jitter
/// and <see cref="FaultRates"/> draw from the host's seeded random source.
/// </remarks>
public sealed record SimulatedModel
{
    /// <summary>The model name clients send in <c>model</c> and see in <c>GET /v1/models</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Mean time to first token (prefill). <see cref="TimeSpan.Zero"/> answers at once.</summary>
    public TimeSpan TimeToFirstToken { get; init; }

    /// <summary>Jitter of <see cref="TimeToFirstToken"/> as a fraction: 0.3 draws uniformly within ±30%. In [0, 1).</summary>
    public double TimeToFirstTokenJitter { get; init; }

    /// <summary>Mean decoding speed. 0 or <see cref="double.PositiveInfinity"/> means instant (no wait between chunks).</summary>
    public double TokensPerSecond { get; init; }

    /// <summary>Jitter of <see cref="TokensPerSecond"/> as a fraction, drawn once per request. In [0, 1).</summary>
    public double TokensPerSecondJitter { get; init; }

    /// <summary>
    /// Probability in [0, 1] of a good answer per prompt kind (keys from <see cref="PromptKinds"/>). A kind that is missing
    /// falls back to <see cref="PromptKinds.General"/>, and that to 1.
    /// </summary>
    public ImmutableDictionary<string, double> Skill { get; init; } = ImmutableDictionary<string, double>.Empty;

    /// <summary>
    /// Share in [0, 1] of the bad answers (those that fail the <see cref="Skill"/> draw) that are plausible but wrong
    /// (<c>bad:wrong</c>) instead of visibly bad (refused, truncated, nearly empty, invalid JSON). 0 by default: every bad
    /// answer is visibly bad, as before the option existed.
    /// </summary>
    public double WrongShare { get; init; }

    /// <summary>Length of the vectors <c>/v1/embeddings</c> returns when the request has no <c>dimensions</c>. 256 by default.</summary>
    public int EmbeddingDimensions { get; init; } = 256;

    /// <summary>Context window in tokens: a longer prompt (plus <c>max_tokens</c>) gets <c>context_length_exceeded</c>. 8192 by default.</summary>
    public int ContextWindow { get; init; } = 8192;

    /// <summary>
    /// Probability per request of each fault (keys from <see cref="SimulatorFaults"/>), drawn from the seeded random source.
    /// The rates must add up to at most 1.
    /// </summary>
    public ImmutableDictionary<string, double> FaultRates { get; init; } = ImmutableDictionary<string, double>.Empty;

    /// <summary>Tokens per streamed chunk. 1 by default, as OpenAI and vLLM stream.</summary>
    public int TokensPerChunk { get; init; } = 1;

    /// <summary>
    /// A prompt cache in blocks of this many tokens (0, the default: none). A chat prompt whose leading messages this
    /// model has seen before (a shared system prompt, an earlier turn, the same prompt again) reports them as
    /// <c>prompt_tokens_details.cached_tokens</c>, rounded down to whole blocks and at most the prompt less one token, as
    /// vLLM's automatic prefix caching (16-token blocks) and OpenAI's prompt caching (128-token steps) do.
    /// </summary>
    public int PrefixCacheBlockTokens { get; init; }

    /// <summary>
    /// Hidden reasoning tokens a reasoning model spends on each answer before it (0, the default: none): between half and
    /// one and a half times this, drawn from the prompt's hash; counted in <c>completion_tokens</c> and reported as
    /// <c>completion_tokens_details.reasoning_tokens</c>, decoded before the first visible token, and within
    /// <c>max_tokens</c> when the request sets it.
    /// </summary>
    public int ReasoningTokens { get; init; }
}
