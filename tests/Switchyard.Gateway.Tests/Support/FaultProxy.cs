using System.Net;
using System.Net.Sockets;

namespace Switchyard.Gateway.Tests.Support;

/// <summary>
/// A TCP proxy on 127.0.0.1:0 in front of a real server, whose link the test cuts and restores: <see cref="Cut"/> drops
/// every connection and refuses new ones (as a network partition or a dead server looks to a client),
/// <see cref="Restore"/> lets them through again.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile bool _cut;

    public FaultProxy(string target)
    {
        var colon = target.LastIndexOf(':');
        _target = new IPEndPoint(IPAddress.Parse(target[..colon] == "localhost" ? "127.0.0.1" : target[..colon]), int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's host:port.</summary>
    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Connections accepted since the start.</summary>
    public int Accepted { get; private set; }

    /// <summary>Drops every connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        lock (_lock)
        {
            foreach (var client in _open)
            {
                // A reset, not a polite close: what a client sees when the server or the network dies. (A pipe that is
                // closing on its own has no socket left.)
                if (client.Client is { } socket)
                {
                    socket.LingerState = new LingerOption(true, 0);
                }

                client.Dispose();
            }

            _open.Clear();
        }
    }

    public void Restore() => _cut = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            if (_cut)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }

            Accepted++;
            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
            lock (_lock)
            {
                _open.Add(client);
                _open.Add(upstream);
            }

            var a = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
            var b = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The link was cut, or one side went away: both sides are closed below.
        }
        finally
        {
            client.Dispose();
            upstream.Dispose();
            lock (_lock)
            {
                _open.Remove(client);
                _open.Remove(upstream);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        await _accepting;
        _stop.Dispose();
    }
}
