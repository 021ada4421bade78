using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;
using Tcpffee.Descriptors;

namespace Tcpffee.Listeners;

/// <summary>
/// The transport of the proxied ports: the accept loop of <see cref="PausingSocketListener"/> (back-off on a descriptor
/// shortage), handing each accepted socket to the pipeline as a <see cref="ProxySocketConnection"/>, with no receive
/// loop and no pipes. Registered under <see cref="Key"/>, so Kestrel's own endpoints (the stats API) keep Kestrel's
/// socket connections.
/// </summary>
internal sealed class ProxySocketListenerFactory : IConnectionListenerFactory
{
    /// <summary>The service key of the proxied ports' <see cref="IConnectionListenerFactory"/>.</summary>
    public const string Key = "proxy";

    private static readonly Func<System.Net.Sockets.Socket, ConnectionContext> Create = static socket => new ProxySocketConnection(socket);

    private readonly SocketTransportOptions _options;
    private readonly DescriptorReserve _reserve;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;

    public ProxySocketListenerFactory(IOptions<SocketTransportOptions> options, DescriptorReserve reserve, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options.Value;
        _reserve = reserve;
        _time = time;
        _loggers = loggers;
    }

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var socket = ListenSocket.Open(_options, endpoint);
        var listener = new PausingSocketListener(socket, Create, null, _options.NoDelay, _reserve, _time, _loggers.CreateLogger<PausingSocketListener>());
        return ValueTask.FromResult<IConnectionListener>(listener);
    }
}
