using Tcpffee.Tests.Common;
using static Tcpffee.Tests.Common.TestConfig;

namespace Tcpffee.Tests.Functional;

/// <summary>A reset from either side reaches the other side as a reset, not as a clean end.</summary>
public sealed class ResetTests
{
    [Fact]
    public async Task Reset_ClientResets_BackendSeesConnectionReset()
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartAsync(OnePort(backend.EndPoint));
        using var client = await proxy.ConnectAsync(2);
        await client.SendAsync("x");
        var connection = await backend.NextConnectionAsync();
        await connection.WaitForReceivedAsync(1);

        client.Reset();

        Assert.Equal(StreamEnd.Reset, await connection.WaitForEndAsync());
    }

    [Fact]
    public async Task Reset_BackendResets_ClientSeesConnectionReset()
    {
        await using var backend = RecordingBackend.Start();
        await using var proxy = await ProxyHost.StartAsync(OnePort(backend.EndPoint));
        using var client = await proxy.ConnectAsync(2);
        await client.SendAsync("x");
        var connection = await backend.NextConnectionAsync();
        await connection.WaitForReceivedAsync(1);

        connection.Reset();
        var (data, end) = await client.ReadToEndAsync();

        Assert.Empty(data);
        Assert.Equal(StreamEnd.Reset, end);
    }
}
