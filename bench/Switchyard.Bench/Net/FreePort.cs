using System.Net;
using System.Net.Sockets;

namespace Switchyard.Bench.Net;

/// <summary>Ports for the servers the harness starts, all on 127.0.0.1.</summary>
internal static class FreePort
{
    /// <summary>A port the kernel just handed out on loopback; free unless something grabs it before the server binds.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
