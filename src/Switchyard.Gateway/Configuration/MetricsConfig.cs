namespace Switchyard.Gateway.Configuration;

/// <summary>The Prometheus endpoint (<c>metrics:</c>). Read at startup only.</summary>
public sealed record MetricsConfig
{
    /// <summary>The path the exposition is served at when the file does not say.</summary>
    public const string DefaultPath = "/metrics";

    /// <summary>Whether <c>GET /metrics</c> is served (<c>enabled</c>, default on).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The path (<c>path</c>): starts with <c>/</c>, and is not under <c>/v1</c> or <c>/admin</c>.</summary>
    public string Path { get; init; } = DefaultPath;

    /// <summary>
    /// Whether a scrape needs a key with the admin, operator or auditor role (or the bootstrap admin key) as
    /// <c>Authorization: Bearer</c> (<c>require_key</c>). When the file does not say: required on the main listener
    /// when <c>auth.keys</c> is required, not required on a separate <see cref="Listen"/> address or without keys.
    /// </summary>
    public bool? RequireKey { get; init; }

    /// <summary>
    /// A separate address the endpoint is served on instead of the main listener (<c>listen</c>, e.g.
    /// <c>http://127.0.0.1:9464</c>), or <see langword="null"/> to serve it next to the API.
    /// </summary>
    public string? Listen { get; init; }

    /// <summary>Whether a scrape needs a key, after the defaults: see <see cref="RequireKey"/>.</summary>
    public bool KeyRequired(AuthConfig auth) => RequireKey ?? (Listen is null && auth.Keys == AuthMode.Required);
}
