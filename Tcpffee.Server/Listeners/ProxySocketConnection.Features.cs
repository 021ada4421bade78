using System.Collections;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Tcpffee.Listeners;

/// <summary>
/// The connection's features: the socket and the connection's own facets are fields, and so is the tracker's entry
/// (<see cref="TrackedConnection"/>), which every connection gets; anything else set goes to a collection made then.
/// A dictionary per connection for the two features the proxy reads would be most of a connection's allocations.
/// </summary>
internal sealed partial class ProxySocketConnection :
    IFeatureCollection, IConnectionSocketFeature, IConnectionIdFeature, IConnectionTransportFeature, IConnectionItemsFeature, IConnectionEndPointFeature,
    IConnectionLifetimeFeature
{
    private TrackedConnection? _tracked;
    private FeatureCollection? _others;
    private int _revision;

    public bool IsReadOnly => false;

    public int Revision => _revision + (_others?.Revision ?? 0);

    public object? this[Type key]
    {
        get => _others?[key] ?? Own(key);
        set
        {
            if (key == typeof(TrackedConnection))
            {
                _tracked = (TrackedConnection?)value;
                _revision++;
                return;
            }

            (_others ??= new FeatureCollection())[key] = value;
        }
    }

    public TFeature? Get<TFeature>() => (TFeature?)this[typeof(TFeature)];

    public void Set<TFeature>(TFeature? instance) => this[typeof(TFeature)] = instance;

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        foreach (var type in OwnFeatures)
        {
            if (_others?[type] is null && Own(type) is { } feature)
            {
                yield return new(type, feature);
            }
        }

        if (_tracked is { } tracked && _others?[typeof(TrackedConnection)] is null)
        {
            yield return new(typeof(TrackedConnection), tracked);
        }

        if (_others is { } others)
        {
            foreach (var pair in others)
            {
                yield return pair;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static readonly Type[] OwnFeatures =
    [
        typeof(IConnectionSocketFeature), typeof(IConnectionIdFeature), typeof(IConnectionTransportFeature), typeof(IConnectionItemsFeature),
        typeof(IConnectionEndPointFeature), typeof(IConnectionLifetimeFeature),
    ];

    private object? Own(Type key) =>
        key == typeof(TrackedConnection) ? _tracked
        : Array.IndexOf(OwnFeatures, key) >= 0 ? this
        : null;

    Socket IConnectionSocketFeature.Socket => _socket;
}
