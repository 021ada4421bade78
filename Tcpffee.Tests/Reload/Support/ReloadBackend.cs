using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tcpffee.Tests.Reload.Support;

/// <summary>
/// A backend on 127.0.0.1 (port 0, so the kernel picks a free one). A named backend first sends its name and a newline,
/// so a client learns which backend the proxy chose; then every backend echoes what it receives until the client
/// half-closes, and half-closes in turn.
/// </summary>
public sealed class ReloadBackend : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _accepted;

    private ReloadBackend(string? name)
    {
        Name = name;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>What the backend sends first, or null for a plain echo backend.</summary>
    public string? Name { get; }

    public int Port { get; }

    /// <summary>"127.0.0.1:port", as a portmap value.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>How many connections this backend accepted.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public static ReloadBackend Echo() => new(null);

    public static ReloadBackend Named(string name) => new(name);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && _stop.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        await using (stream)
        {
            try
            {
                if (Name is not null)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(Name + "\n"), _stop.Token);
                }

                var buffer = new byte[16 * 1024];
                int read;
                while ((read = await stream.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    await stream.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }

                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client or the proxy went away, or the test is over.
            }
        }
    }
}
