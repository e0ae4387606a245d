namespace Switchyard.Storage.Keys;

/// <summary>
/// A virtual key as stored: its public id and the SHA-256 of the whole key (never the key), its team, what it may use,
/// and its life. The key itself is shown once, when it is created.
/// </summary>
public sealed record ApiKeyRecord
{
    /// <summary>The key's public id (<c>sy_</c> and 10 characters), the part of the key that may be shown and logged.</summary>
    public required string Id { get; init; }

    /// <summary>SHA-256 of the whole key, 32 bytes.</summary>
    public required byte[] Hash { get; init; }

    /// <summary>The team the key belongs to.</summary>
    public required string Team { get; init; }

    /// <summary>A name for people (what the key is for).</summary>
    public string? Name { get; init; }

    /// <summary>The routes the key may use; empty: every route.</summary>
    public IReadOnlyList<string> Routes { get; init; } = [];

    /// <summary>Requests per minute the key may send; <see langword="null"/>: no limit of its own.</summary>
    public int? RequestsPerMinute { get; init; }

    /// <summary>Tokens per minute the key may use; <see langword="null"/>: no limit of its own.</summary>
    public int? TokensPerMinute { get; init; }

    /// <summary>Tags its requests carry when they bring none of their own (header or <c>metadata.tags</c>): they choose tiers.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Free-form facts about the key (owner, ticket, cost centre), never used for decisions.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Dollars the key may spend per <see cref="BudgetPeriod"/> (a hard budget of its own), or <see langword="null"/>.</summary>
    public double? BudgetUsd { get; init; }

    /// <summary>The window of <see cref="BudgetUsd"/>: <c>day</c> or <c>month</c>.</summary>
    public string? BudgetPeriod { get; init; }

    /// <summary>Requests of the key in flight at once; <see langword="null"/>: no cap of its own.</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>Every request of the key is confidential: served in-house only.</summary>
    public bool Confidential { get; init; }

    /// <summary>Its role on the admin API (<c>admin</c>, <c>operator</c>, <c>auditor</c>, <c>legal</c>, <c>security</c>), or <see langword="null"/> for a client key.</summary>
    public string? Role { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>When it stops working, or <see langword="null"/> for never.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>When it was revoked, or <see langword="null"/>.</summary>
    public DateTimeOffset? Revoked { get; init; }

    /// <summary>Whether it works at <paramref name="now"/>: not revoked, not expired.</summary>
    public bool IsActive(DateTimeOffset now) => Revoked is null && (Expires is not { } expires || now < expires);
}
