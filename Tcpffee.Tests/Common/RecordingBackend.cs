using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Tcpffee.Tests.Common;

/// <summary>
/// A backend that records everything each connection receives and lets the test drive it: send, half-close, reset.
/// Connections stay open until the test closes them or the backend is disposed.
/// </summary>
public sealed class RecordingBackend : IAsyncDisposable
{
    private readonly Channel<BackendConnection> _connections = Channel.CreateUnbounded<BackendConnection>();
    private readonly TestBackend _server;

    public RecordingBackend(IPEndPoint? bindTo = null)
    {
        _server = TestBackend.Start(RunAsync, "recording", bindTo);
    }

    public IPEndPoint EndPoint => _server.EndPoint;

    public int Accepted => _server.Accepted;

    /// <summary>The next connection the proxy opened to this backend.</summary>
    public async Task<BackendConnection> NextConnectionAsync()
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        try
        {
            return await _connections.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no connection reached the backend within {Eventually.DefaultTimeout.TotalSeconds} s");
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task RunAsync(Socket socket, CancellationToken cancellation)
    {
        var connection = new BackendConnection(socket);
        await _connections.Writer.WriteAsync(connection, cancellation).ConfigureAwait(false);
        await connection.RunAsync(cancellation).ConfigureAwait(false);
    }
}
