namespace Switchyard.Gateway.Configuration;

/// <summary>The HTTP listener and request limits (<c>server:</c>).</summary>
public sealed record ServerConfig
{
    /// <summary>Default listen address. Loopback so that a fresh install is not exposed by accident.</summary>
    public const string DefaultListen = "http://127.0.0.1:8080";

    /// <summary>Default body limit: 4 MiB, enough for long chat histories; images as URLs rather than inline base64.</summary>
    public const long DefaultMaxRequestBodyBytes = 4 * 1024 * 1024;

    /// <summary>One or more URLs Kestrel listens on (<c>listen</c>).</summary>
    public string Listen { get; init; } = DefaultListen;

    /// <summary>Largest accepted request body in bytes (<c>max_request_body_bytes</c>); larger bodies get HTTP 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;
}
