namespace Tcpffee.StickTable;

/// <summary>One page of stick entries in key order, with the number of entries the whole list holds.</summary>
internal sealed record StickEntryPage(int Total, IReadOnlyList<StickEntrySnapshot> Entries);
