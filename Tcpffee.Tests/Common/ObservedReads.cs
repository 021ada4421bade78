using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Tcpffee.Listeners;

namespace Tcpffee.Tests.Common;

/// <summary>
/// The sockets of the connections the proxy accepted, to watch what it has read from each: lets a test send the next
/// bytes only once the proxy has taken the previous ones from the kernel, so a first message really reaches it in
/// several reads.
/// </summary>
internal sealed class ObservedReads
{
    private readonly ConcurrentQueue<Connection> _accepted = new();
    private readonly AsyncSignal _changed = new();

    /// <summary>Wraps the proxied ports' transport so that their connections are reported here; for <see cref="ProxyHostOptions.Services"/>.</summary>
    public void Install(IServiceCollection services)
    {
        var transport = services.Last(d => d.ServiceType == typeof(IConnectionListenerFactory) && Equals(d.ServiceKey, ProxySocketListenerFactory.Key));
        services.Remove(transport);
        services.AddKeyedSingleton<IConnectionListenerFactory>(
            ProxySocketListenerFactory.Key, (sp, _) => new ObservingListenerFactory(Create(sp, transport), this));
    }

    /// <summary>The first connection accepted that a test has not taken yet.</summary>
    public async Task<Connection> NextConnectionAsync()
    {
        Connection? next = null;
        await _changed.WaitUntilAsync(() => _accepted.TryDequeue(out next), "the proxy accepted a connection");
        return next!;
    }

    private static IConnectionListenerFactory Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IConnectionListenerFactory)(descriptor.KeyedImplementationInstance
            ?? descriptor.KeyedImplementationFactory?.Invoke(services, descriptor.ServiceKey)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.KeyedImplementationType!));

    internal void Accepted(ConnectionContext context, Socket socket)
    {
        _accepted.Enqueue(new Connection(context, socket));
        _changed.Pulse();
    }

    /// <summary>One accepted connection, seen from the proxy's side.</summary>
    internal sealed class Connection(ConnectionContext context, Socket socket)
    {
        /// <summary>The connection as the transport handed it to the pipeline.</summary>
        public ConnectionContext Context => context;

        /// <summary>Whether the proxy has closed its end (disposed the socket).</summary>
        public bool IsClosed
        {
            get
            {
                try
                {
                    _ = socket.Available;
                    return false;
                }
                catch (ObjectDisposedException)
                {
                    return true;
                }
                catch (SocketException)
                {
                    // Reset, but still open: the descriptor is held.
                    return false;
                }
            }
        }

        /// <summary>
        /// Returns once the proxy has read every byte that reached its socket (none is left queued in the kernel): any
        /// byte sent after this arrives in a later read.
        /// </summary>
        public Task WaitUntilTakenAsync() =>
            Eventually.HoldsAsync(() => socket.Available == 0, "the proxy read everything sent so far", diagnostics: () => $"{socket.Available} bytes still queued");
    }
}
