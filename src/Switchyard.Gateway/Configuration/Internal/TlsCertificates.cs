using System.Security.Cryptography.X509Certificates;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary>Loads the server certificate <c>server.tls</c> names: PKCS#12, or PEM certificate and key.</summary>
internal static class TlsCertificates
{
    public static X509Certificate2 Load(TlsConfig tls)
    {
        var extension = Path.GetExtension(tls.Certificate);
        if (extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(tls.Certificate, tls.Password);
        }

        var pem = X509Certificate2.CreateFromPemFile(tls.Certificate, tls.Key);
        // COMPAT: an ephemeral PEM key cannot be used by SslStream on every platform; a PKCS#12 round trip makes it usable.
        using (pem)
        {
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
    }
}
