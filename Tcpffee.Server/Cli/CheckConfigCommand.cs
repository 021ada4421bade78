using Tcpffee.Cluster;

namespace Tcpffee.Cli;

/// <summary><c>check-config</c>: validate like <c>nginx -t</c>, printing every mistake with its line and column.</summary>
internal static class CheckConfigCommand
{
    public static int Run(string? configOption, TextWriter output, TextWriter error)
    {
        if (StartupSettings.Load(configOption, error) is not { } settings)
        {
            return 1;
        }

        var config = settings.Config;
        foreach (var warning in config.Warnings)
        {
            error.WriteLine($"warning: {warning}");
        }

        try
        {
            // The same lookup as at start: a node that is not among its peers would refuse to run.
            if (ClusterTopology.Resolve(config.Peers, settings.Environment.NodeMac, ClusterTopology.LocalMacs()) is { } topology)
            {
                output.WriteLine($"cluster: this node is peer {topology.SelfIndex} ({topology.Self.Host}) of {topology.Peers.Length}");
            }
        }
        catch (InvalidOperationException ex)
        {
            error.WriteLine(ex.Message);
            return 1;
        }

        var checks = config.Groups.Sum(g => g.HealthChecks.Length);
        output.WriteLine(
            $"{settings.Environment.ConfigPath}: OK ({config.Ports.Length} ports, {config.Groups.Length} groups, {checks} health checks, {config.Peers.Length} peers)");
        return 0;
    }
}
