namespace Tcpffee.Lifecycle;

/// <summary>The outcome of signalling the process named in the PID file.</summary>
internal enum SignalResult
{
    Sent,
    NoPidFile,
    BadPidFile,
    NoSuchProcess,
    NotPermitted,
}
