using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tcpffee.Tests.Health.Support;

/// <summary>
/// A TCP backend on 127.0.0.1 that writes its name to every client and closes, so a client can tell where the proxy
/// sent it. It can stop listening (connections are then refused) and listen again on the same port.
/// </summary>
internal sealed class NamedBackend : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private int _accepted;

    private NamedBackend(string name, int port)
    {
        Name = name;
        Listen(port);
        EndPoint = (IPEndPoint)_listener!.LocalEndPoint!;
    }

    public string Name { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>How many connections were accepted so far, probes included.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public bool IsListening
    {
        get
        {
            lock (_lock)
            {
                return _listener is not null;
            }
        }
    }

    /// <summary>Starts a backend on a free loopback port, or on <paramref name="port"/> when given.</summary>
    public static NamedBackend Start(string name, int port = 0) => new(name, port);

    /// <summary>Stops listening: from now on connections to <see cref="EndPoint"/> are refused.</summary>
    public async Task StopAsync()
    {
        Socket? listener;
        Task loop;
        lock (_lock)
        {
            (listener, _listener) = (_listener, null);
            loop = _acceptLoop;
        }

        listener?.Dispose();
        await loop.ConfigureAwait(false);
    }

    /// <summary>Listens again on the same port.</summary>
    public void Restart() => Listen(EndPoint.Port);

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private void Listen(int port)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // The port was ours a moment ago; its accepted connections must not keep us from taking it back.
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        lock (_lock)
        {
            if (_listener is not null)
            {
                listener.Dispose();
                throw new InvalidOperationException($"backend {Name} already listens");
            }

            _listener = listener;
            _acceptLoop = AcceptAsync(listener);
        }
    }

    private async Task AcceptAsync(Socket listener)
    {
        var name = Encoding.ASCII.GetBytes(Name);
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            _ = ServeAsync(client, name);
        }
    }

    private static async Task ServeAsync(Socket client, byte[] name)
    {
        using (client)
        {
            try
            {
                await client.SendAsync(name, SocketFlags.None).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Send);

                // Wait for the other side to finish, so our close is a FIN after theirs, never a reset.
                var buffer = new byte[256];
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                while (await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A probe resets; that is fine.
            }
        }
    }
}
