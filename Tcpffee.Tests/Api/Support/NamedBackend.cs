using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tcpffee.Tests.Api.Support;

/// <summary>
/// A backend on 127.0.0.1 that, for every connection, sends its name and a newline at once, then reads until the
/// client closes its side, then closes. So a client learns where it was sent, and the bytes each way are known:
/// down is <see cref="Banner"/>'s length, up is whatever the client sent.
/// </summary>
internal sealed class NamedBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _open = [];
    private readonly Task _acceptLoop;
    private int _accepted;

    public NamedBackend(string name)
    {
        Name = name;
        Banner = Encoding.ASCII.GetBytes(name + "\n");
        _listener.Start(128);
        EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The backend for group <paramref name="group"/>, named <c>group-ID</c>.</summary>
    public static NamedBackend ForGroup(int group) => new(NameOf(group));

    public static string NameOf(int group) => $"group-{group}";

    /// <summary>The group whose backend sent <paramref name="banner"/>.</summary>
    public static int GroupOf(string banner) =>
        banner.StartsWith("group-", StringComparison.Ordinal) ? int.Parse(banner["group-".Length..], System.Globalization.CultureInfo.InvariantCulture)
        : throw new InvalidOperationException($"'{banner}' is not a backend's banner");

    public string Name { get; }

    public byte[] Banner { get; }

    public IPEndPoint EndPoint { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        lock (_open)
        {
            foreach (var socket in _open)
            {
                socket.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            lock (_open)
            {
                _open.Add(socket);
            }

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await socket.SendAsync(Banner, _stopping.Token);
            var buffer = new byte[16 * 1024];
            while (await socket.ReceiveAsync(buffer, _stopping.Token) > 0)
            {
            }

            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping, or the proxy reset the connection.
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(socket);
            }

            socket.Dispose();
        }
    }
}
