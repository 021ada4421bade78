using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace Tcpffee.Tests.Common;

/// <summary>
/// What the proxy's own reads of each accepted connection returned, in order: how many bytes were buffered each time
/// a read completed. Lets a test send the next bytes only once the proxy has seen the previous ones, so a first message
/// really reaches it in several reads.
/// </summary>
internal sealed class ObservedReads
{
    private readonly ConcurrentQueue<Connection> _accepted = new();
    private readonly AsyncSignal _changed = new();

    /// <summary>Wraps the host's transport so that its connections report their reads here; for <see cref="ProxyHostOptions.Services"/>.</summary>
    public void Install(IServiceCollection services)
    {
        var transport = services.Last(d => d.ServiceType == typeof(IConnectionListenerFactory));
        services.Remove(transport);
        services.AddSingleton<IConnectionListenerFactory>(sp => new ObservingListenerFactory(Create(sp, transport), this));
    }

    /// <summary>The first connection accepted that a test has not taken yet.</summary>
    public async Task<Connection> NextConnectionAsync()
    {
        Connection? next = null;
        await _changed.WaitUntilAsync(() => _accepted.TryDequeue(out next), "the proxy accepted a connection");
        return next!;
    }

    private static IConnectionListenerFactory Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IConnectionListenerFactory)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    internal Connection Accepted()
    {
        var connection = new Connection(_changed);
        _accepted.Enqueue(connection);
        _changed.Pulse();
        return connection;
    }

    /// <summary>The reads of one connection.</summary>
    internal sealed class Connection(AsyncSignal changed)
    {
        private readonly Lock _lock = new();
        private readonly List<long> _lengths = [];

        /// <summary>The buffered length each completed read returned, in order.</summary>
        public IReadOnlyList<long> Lengths
        {
            get
            {
                lock (_lock)
                {
                    return [.. _lengths];
                }
            }
        }

        /// <summary>
        /// Returns once a read has returned <paramref name="length"/> buffered bytes or more: the proxy holds them, and any
        /// byte sent after this arrives in a later read.
        /// </summary>
        public Task WaitForReadAsync(long length) =>
            changed.WaitUntilAsync(() => Lengths.Any(l => l >= length), $"a read returned {length} bytes (reads so far: [{string.Join(", ", Lengths)}])");

        internal void Returned(long length)
        {
            lock (_lock)
            {
                _lengths.Add(length);
            }

            changed.Pulse();
        }
    }
}
