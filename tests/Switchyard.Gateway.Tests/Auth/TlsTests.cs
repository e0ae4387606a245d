using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;

namespace Switchyard.Gateway.Tests.Auth;

/// <summary><c>server.tls</c>: Kestrel terminates TLS with the configured certificate, HTTP/2 by ALPN.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public TlsTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Https_WithAPkcs12Certificate_ServesHttp2AndHttp11()
    {
        var (pfx, thumbprint) = WriteCertificate("server.pfx", "s3cret");
        await using var simulator = await SimulatorHost.StartAsync(SimulatorOptions.Instant() with { Port = 0 });
        var config = Parse($$"""
            server:
              listen: "https://127.0.0.1:0"
              tls: { certificate: "{{pfx}}", password: "s3cret" }
            auth: { keys: off }
            providers:
              sim: { kind: openai, base_url: "{{new Uri(simulator.BaseAddress, "v1")}}" }
            registry: { enforce: off }
            deployments:
              llama: { provider: sim, model: llama }
            routes:
              chat: { deployments: [llama] }
            """);
        Assert.True(config.Succeeded, string.Join("\n", config.Errors));
        await using var gateway = await GatewayHost.StartAsync(config.Config!, new GatewayHostOptions { RequestLogStore = new Functional.MemoryRequestLogStore() });
        string? seen = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                seen = certificate?.Thumbprint;
                return true;
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = gateway.BaseAddress };
        Assert.Equal("https", gateway.BaseAddress.Scheme);

        using var http2 = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"Hello"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        using var answered = await client.SendAsync(http2);
        using var http11 = await client.GetAsync("v1/models");

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(HttpVersion.Version20, answered.Version);
        Assert.Equal(HttpStatusCode.OK, http11.StatusCode);
        Assert.Equal(thumbprint, seen);
    }

    [Fact]
    public void Tls_Mistakes_AreReportedWithTheirLine()
    {
        var (pfx, _) = WriteCertificate("server.pfx", "right");

        var wrongPassword = Errors($"server: {{ listen: \"https://127.0.0.1:0\", tls: {{ certificate: \"{pfx}\", password: wrong }} }}");
        var missing = Errors("server: { listen: \"https://127.0.0.1:0\", tls: { certificate: nowhere.pfx } }");
        var noTls = Errors("server: { listen: \"https://127.0.0.1:0\" }");
        var noHttps = Errors($"server: {{ listen: \"http://127.0.0.1:0\", tls: {{ certificate: \"{pfx}\", password: right }} }}");

        Assert.Contains("server.tls.certificate: cannot load", wrongPassword, StringComparison.Ordinal);
        Assert.Contains("switchyard.yaml:1:", wrongPassword, StringComparison.Ordinal);
        Assert.Contains("nowhere.pfx", missing, StringComparison.Ordinal);
        Assert.Contains("listens on https:// but server.tls gives no certificate", noTls, StringComparison.Ordinal);
        Assert.Contains("no server.listen URL is https://", noHttps, StringComparison.Ordinal);
    }

    private (string Path, string Thumbprint) WriteCertificate(string name, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return (path, certificate.Thumbprint);
    }

    private string Errors(string server) => string.Join("\n", Parse(server + """

        providers:
          vllm: { kind: openai, base_url: http://localhost:8000/v1 }
        registry: { enforce: off }
        deployments:
          llama: { provider: vllm, model: llama }
        routes:
          chat: { deployments: [llama] }
        """).Errors);

    private ConfigLoadResult Parse(string yaml) => ConfigLoader.Parse(yaml, Path.Combine(_directory, "switchyard.yaml"), _ => null);
}
