namespace Switchyard.Gateway.Configuration;

/// <summary>
/// Who may call the gateway (<c>auth:</c>). With <c>keys: required</c> every <c>/v1</c> request needs a virtual key
/// (<c>switchyard keys create</c>) as <c>Authorization: Bearer</c> or <c>x-api-key</c>; with <c>keys: off</c> anyone who
/// reaches the port may. <c>switchyard serve</c> refuses a configuration that does not say which.
/// </summary>
public sealed record AuthConfig
{
    /// <summary>Whether requests need a key (<c>keys</c>).</summary>
    public AuthMode Keys { get; init; } = AuthMode.Off;

    /// <summary>Whether the configuration said so (an <c>auth:</c> section with <c>keys</c>), rather than the default.</summary>
    public bool Explicit { get; init; }
}

/// <summary>Whether requests need a key.</summary>
public enum AuthMode
{
    /// <summary>No key needed.</summary>
    Off,

    /// <summary>Every request needs an active key.</summary>
    Required,
}
