namespace Tcpffee.Tests.Common;

/// <summary>A temp directory plus the variables that keep a <see cref="ServerProcess"/>'s files inside it.</summary>
internal sealed class ServerEnvironment : IDisposable
{
    public const string ValidConfig = """
        ports = [ 5280, 5281 ]
        [groups.0]
        portmap = "10.1.2.3"
        [[groups.0.healthchecks]]
        interval = 2
        [groups.1.portmap]
        5280 = "127.0.0.2:80"
        5281 = "127.0.0.2:81"
        [[peers]]
        host = "a"
        mac_address = "00:00:00:00:00:01"
        """;

    public TempDirectory Directory { get; } = new();

    public string PidPath => Directory.Combine("tcpffee.pid");

    /// <summary>Every path variable pointed into the temp directory, plus <paramref name="extra"/> (a null value removes one).</summary>
    public Dictionary<string, string?> Variables(params (string Name, string? Value)[] extra)
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["TCPFFEE_PID_PATH"] = PidPath,
            ["TCPFFEE_DATA_DIR"] = Directory.Combine("data"),
            ["TCPFFEE_HEALTHCHECK_SAVE_PATH"] = Directory.Combine("healthcheck_state"),
            ["TCPFFEE_STICK_TABLE_SAVE_PATH"] = Directory.Combine("stick_table"),

            // The one peer of ValidConfig is this node, as on a proxy configured for a cluster of one.
            ["TCPFFEE_NODE_MAC"] = "00:00:00:00:00:01",
        };
        foreach (var (name, value) in extra)
        {
            variables[name] = value;
        }

        return variables;
    }

    public void Dispose() => Directory.Dispose();
}
