using Tcpffee.Configuration.Toml;

namespace Tcpffee.Configuration;

/// <summary>
/// Warns about keys that are still valid but no longer do anything, so that a file written for an earlier release
/// keeps loading and its owner learns what to remove.
/// </summary>
internal static class UnusedKeysValidator
{
    /// <summary>The proposals sockets: commands now reach the leader over each group's logs socket.</summary>
    private static readonly string[] ProposalsKeys = ["raft_healthchecks_proposals_bind_socket", "raft_stick_table_proposals_bind_socket"];

    public static IEnumerable<ConfigError> Warnings(TomlSource source)
    {
        foreach (var key in ProposalsKeys.Where(source.Root.ContainsKey))
        {
            var (line, column) = source.KeyPosition(source.Root, key);
            yield return new ConfigError(
                source.Path, line, column,
                $"{key}: unused; commands to a Raft group's leader travel on its logs socket, so this socket is not opened and the key can be removed");
        }
    }
}
