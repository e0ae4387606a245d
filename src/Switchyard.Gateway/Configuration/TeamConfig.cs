namespace Switchyard.Gateway.Configuration;

/// <summary>
/// A team (<c>teams.NAME</c>): the routes its keys may use, and limits shared by all its keys together: requests and
/// tokens per minute and requests in flight. A team's budgets are <c>budgets.NAME.team</c>.
/// </summary>
public sealed record TeamConfig
{
    /// <summary>The team's name, as <c>switchyard keys create --team</c> gives it.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The routes its keys may use (<c>routes</c>); empty: every route. A key's own routes can only narrow this: a key
    /// may use a route when both its team and its own list allow it.
    /// </summary>
    public System.Collections.Immutable.ImmutableArray<string> Routes { get; init; } = [];

    /// <summary>Requests per minute of all its keys together (<c>rpm</c>).</summary>
    public int? RequestsPerMinute { get; init; }

    /// <summary>Tokens per minute of all its keys together (<c>tpm</c>).</summary>
    public int? TokensPerMinute { get; init; }

    /// <summary>Requests of all its keys in flight at once (<c>max_concurrency</c>).</summary>
    public int? MaxConcurrency { get; init; }
}
