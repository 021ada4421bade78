namespace Tcpffee.Tests.Cluster.Units;

/// <summary>Snapshots as the first release's state machines wrote them (format 1, before the format marker), in hex.</summary>
internal static class FirstReleaseSnapshots
{
    /// <summary>The time of the first entry of <see cref="Stick"/>.</summary>
    public const long T0 = 1_700_000_000_000;

    /// <summary>
    /// The stick table (expiration 60 s): 10.0.0.1 on group 3 at T0, 10.0.0.2 with the slice 02 03 04 on group 1 at
    /// T0 + 1 s, 2001:db8::7 on group 0 at T0 + 2 s (10.0.0.4, assigned then forgotten, is gone).
    /// </summary>
    public const string Stick =
        "60EA00000000000003000000030000000068E5CF8B0100000500040A00000101000000E86BE5CF8B0100000800040A00000202030400"
        + "000000D06FE5CF8B01000011001020010DB8000000000000000000000007";

    /// <summary>
    /// The health of 3 proxies: check 1/0 voted down by nodes 0 and 1 (down), 2/1 up by 0 and 2 (up), "ünï ✓" down by
    /// node 1 (still up), and overrides group 1 Disabled, group 4 Draining.
    /// </summary>
    public const string Health =
        "0300000003312F30000000FF03322F310101FF0109C3BC6EC3AF20E29C9301FF00FF0200000001000000020000000400000001000000";
}
