namespace Tcpffee.StickTable;

/// <summary>How loading a saved stick table went.</summary>
internal enum StickTableLoadStatus
{
    /// <summary>The file was read and verified; its unexpired entries are in the result.</summary>
    Loaded,

    /// <summary>There is no file (first start, or nothing saved yet).</summary>
    Missing,

    /// <summary>The file exists but is truncated, damaged or not a stick table file.</summary>
    Corrupt,

    /// <summary>The file exists but could not be read (permissions, I/O error).</summary>
    Unreadable,
}
