using Tcpffee.Descriptors;

namespace Tcpffee.Tests.Descriptors;

/// <summary>What the descriptor limit leaves for proxied connections, and when start warns about it.</summary>
public sealed class DescriptorCapacityTests
{
    [Theory]
    [InlineData(1024UL, 424, 156)] // (1024 - 424 - 32 - 256) / 2
    [InlineData(500UL, 424, 0)]
    [InlineData(1048576UL, 500, 523894)]
    public void For_KnownLimit_LeavesTwoDescriptorsPerConnectionAfterTheReserveAndMargin(ulong soft, int open, int expected)
    {
        var capacity = DescriptorCapacity.For(new DescriptorLimit(soft, soft, soft, null), open);

        Assert.Equal(expected, capacity.Connections);
    }

    [Fact]
    public void For_UnknownLimit_HasNoBound() =>
        Assert.Null(DescriptorCapacity.For(DescriptorLimit.Unknown, 400).Connections);

    [Theory]
    [InlineData(100000, 1024UL, true)]
    [InlineData(100, 1024UL, false)]
    [InlineData(100000, 262144UL, false)]
    public void FallsShort_MaxConnectionsAgainstTheLimit(int maxConnections, ulong soft, bool expected) =>
        Assert.Equal(expected, DescriptorBudget.FallsShort(new DescriptorLimit(soft, soft, 1024, null), maxConnections, openAtStart: 450));

    [Fact]
    public void RaiseToHard_OnLinux_LeavesTheSoftLimitAtTheHardOne()
    {
        // The suite runs on Linux (the functional tests need it too); elsewhere this is a platform the limit does not exist on.
        Assert.True(OperatingSystem.IsLinux(), "RLIMIT_NOFILE is read on Linux only");

        var limit = ProcessDescriptorLimit.RaiseToHard();

        Assert.Null(limit.Error);
        Assert.NotNull(limit.Soft);
        Assert.Equal(limit.Hard, limit.Soft);
    }
}
