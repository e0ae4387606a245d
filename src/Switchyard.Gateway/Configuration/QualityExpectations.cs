using System.Collections.Immutable;

namespace Switchyard.Gateway.Configuration;

/// <summary>What a route expects of every answer (<c>quality.expect</c>); an answer must meet every rule to pass the expectations check.</summary>
public sealed record QualityExpectations
{
    /// <summary>A pattern the answer must match somewhere (<c>pattern</c>; linear-time regex).</summary>
    public string? Pattern { get; init; }

    /// <summary>Texts the answer must contain, case-insensitively (<c>contains</c>).</summary>
    public ImmutableArray<string> Contains { get; init; } = [];

    /// <summary>Texts the answer must not contain, case-insensitively (<c>not_contains</c>).</summary>
    public ImmutableArray<string> NotContains { get; init; } = [];

    /// <summary>Fewest characters (<c>min_chars</c>).</summary>
    public int? MinChars { get; init; }

    /// <summary>Most characters (<c>max_chars</c>).</summary>
    public int? MaxChars { get; init; }
}
