using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Tcpffee.Tests.Common;

/// <summary>
/// A backend that records everything each connection receives, in order, and lets the test drive each connection
/// (send, half-close, reset), or answer it with a handler. Connections stay open until the test closes them or the
/// backend is disposed.
/// </summary>
internal sealed class RecordingBackend : IAsyncDisposable
{
    private readonly Channel<BackendConnection> _next = Channel.CreateUnbounded<BackendConnection>();
    private readonly Lock _lock = new();
    private readonly List<BackendConnection> _connections = [];
    private readonly Func<BackendConnection, Task>? _handler;
    private readonly TestBackend _server;

    private RecordingBackend(IPEndPoint bindTo, Func<BackendConnection, Task>? handler)
    {
        _handler = handler;
        _server = TestBackend.Start(RunAsync, "recording", bindTo);
    }

    public IPEndPoint EndPoint => _server.EndPoint;

    public int Accepted => _server.Accepted;

    /// <summary>Every connection accepted so far, oldest first.</summary>
    public IReadOnlyList<BackendConnection> Connections
    {
        get
        {
            lock (_lock)
            {
                return [.. _connections];
            }
        }
    }

    /// <summary>
    /// Listens on <paramref name="address"/> (127.0.0.1 by default), port chosen by the system; <paramref name="handler"/>,
    /// when given, answers each connection while it is recorded.
    /// </summary>
    public static RecordingBackend Start(Func<BackendConnection, Task>? handler = null, IPAddress? address = null) =>
        new(new IPEndPoint(address ?? IPAddress.Loopback, 0), handler);

    /// <summary>The next connection the proxy opened to this backend, in accept order.</summary>
    public async Task<BackendConnection> NextConnectionAsync()
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        try
        {
            return await _next.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no connection reached the backend {EndPoint} within {Eventually.DefaultTimeout.TotalSeconds} s");
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> connections were accepted and returns them all.</summary>
    public Task<IReadOnlyList<BackendConnection>> WaitForConnectionsAsync(int count, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => Connections, c => c.Count >= count, $"{count} connection(s) at the backend {EndPoint}", timeout, c => $"{c.Count} connection(s)");

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task RunAsync(Socket socket, CancellationToken cancellation)
    {
        var connection = new BackendConnection(socket);
        lock (_lock)
        {
            _connections.Add(connection);
        }

        await _next.Writer.WriteAsync(connection, cancellation).ConfigureAwait(false);
        var handled = _handler is { } handler ? RunHandlerAsync(handler, connection) : Task.CompletedTask;
        await connection.RunAsync(cancellation).ConfigureAwait(false);
        await handled.ConfigureAwait(false);
    }

    private static async Task RunHandlerAsync(Func<BackendConnection, Task> handler, BackendConnection connection)
    {
        try
        {
            await handler(connection).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The test sees it through the connection; a handler failure must not go unnoticed.
            connection.HandlerError = ex;
            connection.Close();
        }
    }
}
