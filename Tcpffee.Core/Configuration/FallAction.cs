namespace Tcpffee.Configuration;

/// <summary>What a failing health check does to its whole group.</summary>
internal enum FallAction
{
    /// <summary>The group takes no new clients; clients already stuck to it keep going there.</summary>
    Draining,

    /// <summary>The group takes no connections; its clients are re-assigned on their next connection.</summary>
    Disabled,

    /// <summary>The check is run and reported but never changes routing.</summary>
    Up,
}
