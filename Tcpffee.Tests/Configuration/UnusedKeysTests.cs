using Tcpffee.Configuration;

namespace Tcpffee.Tests.Configuration;

/// <summary>The proxies' former proposals sockets: still accepted, reported as unused where they are written.</summary>
public sealed class UnusedKeysTests
{
    [Fact]
    public void ProposalsSockets_Set_AreEachReportedOnce_AtTheirLineAndColumn()
    {
        var config = ConfigLoader.Parse(
            "ports = [ 5280 ]\n  raft_stick_table_proposals_bind_socket = \"127.0.0.1:2344\"\nraft_healthchecks_proposals_bind_socket = \"127.0.0.1:2343\"\n[groups.0]\nportmap = \"10.0.0.9\"\n",
            "tcpffee.toml");

        Assert.Equal(
            [
                "tcpffee.toml:2:3: raft_stick_table_proposals_bind_socket: unused; commands to a Raft group's leader travel on its logs socket, so this socket is not opened and the key can be removed",
                "tcpffee.toml:3:1: raft_healthchecks_proposals_bind_socket: unused; commands to a Raft group's leader travel on its logs socket, so this socket is not opened and the key can be removed",
            ],
            config.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void ProposalsSockets_NotSet_NoWarning()
    {
        var config = ConfigLoader.Parse("ports = [ 5280 ]\nraft_stick_table_logs_bind_socket = \"127.0.0.1:2342\"\n[groups.0]\nportmap = \"10.0.0.9\"\n", "tcpffee.toml");

        Assert.Empty(config.Warnings);
    }
}
