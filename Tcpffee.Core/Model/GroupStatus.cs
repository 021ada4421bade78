namespace Tcpffee.Model;

/// <summary>How a group takes traffic; larger values are more severe, so the effective state is the maximum of its sources.</summary>
internal enum GroupStatus
{
    /// <summary>Takes new clients and its stuck clients.</summary>
    Up = 0,

    /// <summary>Takes no new clients; clients already stuck to it keep going there.</summary>
    Draining = 1,

    /// <summary>Takes no connections; its clients are re-assigned on their next connection.</summary>
    Disabled = 2,
}
