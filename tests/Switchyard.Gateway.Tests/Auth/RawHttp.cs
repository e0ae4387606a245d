using System.Net.Sockets;
using System.Text;

namespace Switchyard.Gateway.Tests.Auth;

/// <summary>
/// HTTP/1.1 written by hand on a socket: for what HttpClient will not send (a header repeated on its own line, a body
/// announced but never sent), so that exactly those bytes reach the server.
/// </summary>
internal static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> on a new connection and reads the answer's status, head and body.</summary>
    public static async Task<(int Status, string Head, string Body)> SendAsync(Uri server, string request, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Host, server.Port, cancel.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes(request), cancel.Token);

        var received = new List<byte>();
        var buffer = new byte[16 * 1024];
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(received)) < 0)
        {
            var read = await socket.ReceiveAsync(buffer, cancel.Token);
            if (read == 0)
            {
                throw new IOException($"The server closed the connection before the end of the response head: {Encoding.ASCII.GetString([.. received])}");
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var head = Encoding.ASCII.GetString([.. received.Take(headEnd)]);
        var status = int.Parse(head.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var length = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        while (received.Count < headEnd + 4 + length)
        {
            var read = await socket.ReceiveAsync(buffer, cancel.Token);
            if (read == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        return (status, head, Encoding.UTF8.GetString([.. received.Skip(headEnd + 4).Take(length)]));
    }

    private static int IndexOfHeadEnd(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
