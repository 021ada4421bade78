using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tcpffee.Tests.Common;

/// <summary>
/// A loopback TCP server for the proxy to forward to. Each accepted connection runs <c>handler</c>; the socket is closed
/// when the handler returns, and every socket and the listener are closed on dispose.
/// </summary>
internal sealed class TestBackend : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<Socket, CancellationToken, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, Task> _connections = new();
    private readonly Task _acceptLoop;
    private int _accepted;
    private int _disposed;

    private TestBackend(string name, IPEndPoint bindTo, Func<Socket, CancellationToken, Task> handler)
    {
        Name = name;
        _handler = handler;
        _listener = new Socket(bindTo.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // A backend that listens again on its own port must not be kept from it by its old connections.
            _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Bind(bindTo);
            _listener.Listen(512);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }

        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    public string Name { get; }

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    /// <summary>How many connections this backend has accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>A backend running <paramref name="handler"/> for each connection, on <paramref name="bindTo"/> (127.0.0.1:0 by default).</summary>
    public static TestBackend Start(Func<Socket, CancellationToken, Task> handler, string name = "backend", IPEndPoint? bindTo = null) =>
        new(name, bindTo ?? new IPEndPoint(IPAddress.Loopback, 0), handler);

    /// <summary>Sends back everything it receives; passes the client's FIN back once it has echoed everything.</summary>
    public static TestBackend Echo(IPEndPoint? bindTo = null) => Start(EchoAsync, "echo", bindTo);

    /// <summary>Speaks first: sends <paramref name="banner"/> and a newline on accept, then echoes.</summary>
    public static TestBackend Banner(string banner)
    {
        var bytes = Encoding.ASCII.GetBytes(banner + "\n");
        return Start(
            async (socket, cancellation) =>
            {
                await socket.SendAsync(bytes, SocketFlags.None, cancellation).ConfigureAwait(false);
                await EchoAsync(socket, cancellation).ConfigureAwait(false);
            },
            "banner");
    }

    /// <summary>Echoes until the client half-closes, then half-closes: the wire behaviour of <see cref="Echo"/>.</summary>
    public static async Task EchoAsync(Socket socket, CancellationToken cancellation)
    {
        var buffer = new byte[64 * 1024];
        int received;
        while ((received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellation).ConfigureAwait(false)) > 0)
        {
            await socket.SendAsync(buffer.AsMemory(0, received), SocketFlags.None, cancellation).ConfigureAwait(false);
        }

        socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Stops listening (new connections are refused) and closes every connection; safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        foreach (var socket in _connections.Keys)
        {
            socket.Dispose();
        }

        await Quietly(_acceptLoop).ConfigureAwait(false);
        foreach (var task in _connections.Values)
        {
            await Quietly(task).ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The backend is going away; whatever its connections were doing no longer matters.
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[socket] = RunAsync(socket, started.Task);
            started.SetResult();
        }
    }

    private async Task RunAsync(Socket socket, Task registered)
    {
        await registered.ConfigureAwait(false);
        try
        {
            await Quietly(_handler(socket, _stop.Token)).ConfigureAwait(false);
        }
        finally
        {
            socket.Dispose();
        }
    }
}
