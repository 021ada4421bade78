using Tcpffee.Cluster;
using Tcpffee.Health;
using Tcpffee.Model;

namespace Tcpffee.Tests.Cluster.Units;

/// <summary>Encoding and decoding the health group's commands, byte for byte as the first release wrote them to its logs.</summary>
public sealed class HealthCommandTests
{
    [Theory]
    [InlineData(1, "1/0", true, "01000000" + "01" + "312F30")]
    [InlineData(2, "12/3", false, "02000000" + "00" + "31322F33")]
    [InlineData(0, "ü", true, "00000000" + "01" + "C3BC")]
    public void Observe_Encoded_TheFirstReleasesBytes(int node, string check, bool up, string hex)
    {
        var command = HealthCommand.Observe(node, check, up);

        Assert.Equal(hex, Convert.ToHexString(command));
        Assert.Equal((node, up, check), HealthCommand.ReadObserve(command));
    }

    [Theory]
    [InlineData(1, "Disabled", "01000000" + "02000000")]
    [InlineData(999, "Up", "E7030000" + "00000000")]
    [InlineData(4, "Draining", "04000000" + "01000000")]
    public void Override_Encoded_TheFirstReleasesBytes(int groupId, string statusName, string hex)
    {
        var status = Enum.Parse<GroupStatus>(statusName);

        var command = HealthCommand.Override(groupId, status);

        Assert.Equal(hex, Convert.ToHexString(command));
        Assert.Equal((groupId, status), HealthCommand.ReadOverride(command));
    }

    [Fact]
    public void ReadObserve_UpByteOtherThanOne_Down() =>
        Assert.False(HealthCommand.ReadObserve(Convert.FromHexString("0100000002312F30")).Up);

    [Theory]
    [InlineData("Observe", 4, false)]
    [InlineData("Observe", 5, true)]
    [InlineData("Observe", 5 + HealthCommand.MaxCheckLength, true)]
    [InlineData("Observe", 6 + HealthCommand.MaxCheckLength, false)]
    [InlineData("Override", 7, false)]
    [InlineData("Override", 8, true)]
    [InlineData("Override", 12, true)]
    public void IsWellFormed_ByLength_AsTheFirstReleaseApplied(string kindName, int length, bool expected) =>
        Assert.Equal(expected, HealthCommand.IsWellFormed(Enum.Parse<HealthCommandKind>(kindName), new byte[length]));

    [Fact]
    public void IsWellFormed_UnknownKind_False() => Assert.False(HealthCommand.IsWellFormed((HealthCommandKind)3, new byte[16]));

    [Fact]
    public void CheckKey_AnyCheck_GroupSlashIndexWhateverItsSettings() =>
        Assert.Equal("7/2", HealthCommand.CheckKey(new HealthCheckIdentity(7, 2, "tcp 10.0.0.5:80")));
}
