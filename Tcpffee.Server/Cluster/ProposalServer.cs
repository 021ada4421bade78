using System.Net;
using System.Net.Sockets;

namespace Tcpffee.Cluster;

/// <summary>
/// The proposals socket: accepts connections from peers only, and answers each framed request in order.
/// </summary>
internal sealed partial class ProposalServer(
    IPEndPoint bind, ClusterTopology topology, Func<int, byte, byte[], CancellationToken, Task<ProposalResult>> handle, ILogger logger)
    : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task? _accepting;

    public void Start()
    {
        _listener = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(bind);
        _listener.Listen(128);
        _accepting = AcceptAsync(_listener, _stopping.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_accepting is not null)
        {
            await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync(Socket listener, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellation).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var remote = (IPEndPoint)client.RemoteEndPoint!;
            if (!topology.IsPeer(remote.Address))
            {
                LogRefused(bind, remote);
                client.Dispose();
                continue;
            }

            client.NoDelay = true;
            _ = ServeAsync(client, cancellation);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellation)
    {
        using var _ = client;
        try
        {
            while (await ProposalWire.ReadRequestAsync(client, cancellation).ConfigureAwait(false) is { } request)
            {
                ProposalResult result;
                try
                {
                    result = await handle(request.CommandId, request.Hops, request.Payload, cancellation).ConfigureAwait(false);
                }
                catch (FormatException)
                {
                    // The leader's state refused to stamp it: a malformed command, which no retry will mend.
                    result = new ProposalResult(ProposalStatus.Rejected, 0, 0);
                }

                await ProposalWire.WriteResponseAsync(client, result, cancellation).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or InvalidDataException or OperationCanceledException)
        {
            // The peer went away or spoke nonsense; its connection alone is closed.
        }
    }

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "Proposals socket {Bind}: refused {Remote}, which is not a peer")]
    private partial void LogRefused(IPEndPoint bind, IPEndPoint remote);
}
