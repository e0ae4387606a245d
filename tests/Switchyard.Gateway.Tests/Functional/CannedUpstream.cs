using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Switchyard.Gateway.Tests.Functional;

/// <summary>
/// A protocol fake: answers every HTTP/1.1 request with the same raw bytes, for upstream behaviour the simulator does
/// not model (an HTML error page from a proxy, a malformed status line).
/// </summary>
internal sealed class CannedUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly byte[] _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public CannedUpstream(string rawResponse)
    {
        _response = Encoding.UTF8.GetBytes(rawResponse.ReplaceLineEndings("\r\n"));
        _listener.Start();
        _loop = AcceptAsync();
    }

    public Uri BaseUrl => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1");

    public static string Response(int status, string reason, string contentType, string body) =>
        $"HTTP/1.1 {status} {reason}\nContent-Type: {contentType}\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\nConnection: close\n\n{body}";

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = AnswerAsync(socket);
        }
    }

    private async Task AnswerAsync(Socket socket)
    {
        using (socket)
        {
            // Read the request head and its body (Content-Length) so the client never sees its upload reset.
            var buffer = new byte[64 * 1024];
            var received = 0;
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(received), _stop.Token);
                if (n == 0)
                {
                    return;
                }

                received += n;
                var text = Encoding.ASCII.GetString(buffer, 0, received);
                var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (headEnd < 0)
                {
                    continue;
                }

                var lengthAt = text.IndexOf("Content-Length:", StringComparison.OrdinalIgnoreCase);
                var length = lengthAt < 0 ? 0 : int.Parse(text.AsSpan(lengthAt + 15, text.IndexOf('\r', lengthAt) - lengthAt - 15).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                if (received >= headEnd + 4 + length)
                {
                    break;
                }
            }

            await socket.SendAsync(_response, _stop.Token);
            socket.Shutdown(SocketShutdown.Both);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
