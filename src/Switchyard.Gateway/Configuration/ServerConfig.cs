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

    /// <summary>
    /// The certificate for <c>https://</c> listen URLs (<c>tls</c>): Kestrel terminates TLS itself, with HTTP/2 by ALPN,
    /// for deployments without a terminating proxy. <see langword="null"/>: plain HTTP only.
    /// </summary>
    public TlsConfig? Tls { get; init; }
}

/// <summary>A server certificate (<c>server.tls</c>): a PKCS#12 file, or PEM certificate and key files.</summary>
public sealed record TlsConfig
{
    /// <summary>The certificate file (<c>certificate</c>), absolute: <c>.pfx</c>/<c>.p12</c>, or PEM.</summary>
    public required string Certificate { get; init; }

    /// <summary>The PEM private key file (<c>key</c>), absolute; <see langword="null"/> for PKCS#12 or a PEM holding both.</summary>
    public string? Key { get; init; }

    /// <summary>The PKCS#12 file's password (<c>password</c>, best an environment reference).</summary>
    public string? Password { get; init; }
}
