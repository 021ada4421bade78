using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Tcpffee.Diagnostics;
using Tcpffee.Listeners;
using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Listeners;

/// <summary>
/// The proxied ports' own transport (<see cref="ProxySocketConnection"/>) at the edges of a connection's life: nothing
/// sent, a reset while the backend is still being connected, a backend that is gone before its first byte.
/// </summary>
public sealed class ProxySocketTransportTests
{
    /// <summary>
    /// The host's own totals: <c>/metrics</c> of hosts running at once in one test process are read by one listener of
    /// the process's meters, so a count there may not be this host's.
    /// </summary>
    private static ProxyMetrics Metrics(ProxyHost proxy) => proxy.Services.GetRequiredService<ProxyMetrics>();

    [Fact]
    public async Task Connect_ClientSendsNothingAndNoSliceKey_BackendGreetingArrivesWithoutPipes()
    {
        await using var backend = TestBackend.Banner("220 ready");

        // A first-message timeout far longer than the test: the greeting must not wait for it, as no slice is read.
        var observed = new ObservedReads();
        var config = OnePort(backend.EndPoint) with { FirstMessageTimeout = TimeSpan.FromMinutes(5) };
        await using var proxy = await ProxyHost.StartAsync(config, new ProxyHostOptions { Services = observed.Install });
        using var client = await proxy.ConnectAsync(2);
        var accepted = await observed.NextConnectionAsync();

        var greeting = await client.ReceiveLineAsync().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("220 ready", greeting);
        Assert.Equal("hi", await client.AskAsync("hi\n"));
        var connection = Assert.IsType<ProxySocketConnection>(accepted.Context);
        Assert.False(connection.HasPipes, "the proxied connection made its transport's pipes");
    }

    [Fact]
    public async Task Connect_ClientResetsWhileBackendConnectPends_ConnectionReleasedAndCounted()
    {
        // A backend whose accept queue is full: the kernel drops the proxy's SYN, so its connect pends until connect_timeout.
        using var backend = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        backend.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        backend.Listen(0);
        var backendEndPoint = (IPEndPoint)backend.LocalEndPoint!;
        using var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(backendEndPoint);
        var config = OnePort(backendEndPoint) with { ConnectTimeout = TimeSpan.FromSeconds(2) };
        var observed = new ObservedReads();
        await using var proxy = await ProxyHost.StartAsync(config, new ProxyHostOptions { Services = observed.Install });
        using var client = await proxy.ConnectAsync(2);
        var accepted = await observed.NextConnectionAsync();
        await Eventually.HoldsAsync(() => SocketStates.ConnectingTo(backendEndPoint.Port) == 1, "the proxy is connecting to the backend");

        client.Reset();

        await Eventually.HoldsAsync(() => Metrics(proxy).TotalRejected == 1, "the failed connect is counted as a rejection", diagnostics: () => proxy.Logs.Text);
        await Eventually.HoldsAsync(() => proxy.Tracker.Count == 0, "the reset connection is no longer tracked", diagnostics: () => proxy.Logs.Text);
        await Eventually.HoldsAsync(() => accepted.IsClosed, "the proxy closed its end of the reset connection");
        Assert.Equal(0, SocketStates.ConnectingTo(backendEndPoint.Port));
        Assert.Equal(0, proxy.Groups.Get(0).OpenConnections);
    }

    [Fact]
    public async Task Connect_BackendClosesBeforeFirstByte_ClientSeesEndAndConnectionReleased()
    {
        await using var backend = TestBackend.Start((_, _) => Task.CompletedTask, "closes at once");
        var observed = new ObservedReads();
        await using var proxy = await ProxyHost.StartAsync(OnePort(backend.EndPoint), new ProxyHostOptions { Services = observed.Install });
        using var client = await proxy.ConnectAsync(2);
        var accepted = await observed.NextConnectionAsync();

        var (data, end) = await client.ReadToEndAsync();
        client.Dispose();

        Assert.Empty(data);
        Assert.Equal(StreamEnd.Eof, end);
        await Eventually.HoldsAsync(() => proxy.Tracker.Count == 0, "the connection is no longer tracked", diagnostics: () => proxy.Logs.Text);
        await Eventually.HoldsAsync(() => accepted.IsClosed, "the proxy closed its end");
        Assert.Equal(0, Metrics(proxy).TotalRejected);
        Assert.Equal(1, proxy.Groups.Get(0).TotalConnections);
        Assert.Equal(0, proxy.Groups.Get(0).OpenConnections);
    }
}
