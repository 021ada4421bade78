using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;
using Tcpffee.Descriptors;

namespace Tcpffee.Listeners;

/// <summary>
/// The socket transport of the stats endpoint: Kestrel's own connections (<see cref="SocketConnectionContextFactory"/>),
/// with their pipes, which HTTP needs, behind an accept loop of tcpffee's. Kestrel's loop retries every
/// failed accept at once, so a queued client it cannot take for lack of descriptors spins a core; this one pauses.
/// </summary>
internal sealed class PausingSocketListenerFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private const string TransportCategory = "Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets";

    private readonly SocketTransportOptions _options;
    private readonly IMemoryPoolFactory<byte> _memoryPool;
    private readonly DescriptorReserve _reserve;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;

    public PausingSocketListenerFactory(
        IOptions<SocketTransportOptions> options, IMemoryPoolFactory<byte> memoryPool, DescriptorReserve reserve, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options.Value;
        _memoryPool = memoryPool;
        _reserve = reserve;
        _time = time;
        _loggers = loggers;
    }

    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var socket = ListenSocket.Open(_options, endpoint);
        var factoryOptions = new SocketConnectionFactoryOptions
        {
            IOQueueCount = _options.IOQueueCount,
            WaitForDataBeforeAllocatingBuffer = _options.WaitForDataBeforeAllocatingBuffer,
            MaxReadBufferSize = _options.MaxReadBufferSize,
            MaxWriteBufferSize = _options.MaxWriteBufferSize,
            UnsafePreferInlineScheduling = _options.UnsafePreferInlineScheduling,
        };

        // The factory's pool is settable only from inside Kestrel; without it, reads from clients would be cut to 4 KiB blocks.
        SetMemoryPoolFactory(factoryOptions, _memoryPool);
        var contexts = new SocketConnectionContextFactory(factoryOptions, _loggers.CreateLogger(TransportCategory));
        var listener = new PausingSocketListener(
            socket, contexts.Create, contexts, _options.NoDelay, _reserve, _time, _loggers.CreateLogger<PausingSocketListener>());
        return ValueTask.FromResult<IConnectionListener>(listener);
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_MemoryPoolFactory")]
    private static extern void SetMemoryPoolFactory(SocketConnectionFactoryOptions options, IMemoryPoolFactory<byte> factory);
}
