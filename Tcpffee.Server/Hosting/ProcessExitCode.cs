namespace Tcpffee.Hosting;

/// <summary>
/// The exit code a part of the host asks for when it stops the application on a fault (a faulted Raft log asks for 3),
/// read by <see cref="TcpffeeHost.RunAsync"/> once the host has stopped.
/// </summary>
internal sealed class ProcessExitCode
{
    private int _code;

    /// <summary>Gets the code requested so far; zero when nothing asked for one.</summary>
    public int Value => Volatile.Read(ref _code);

    /// <summary>Records <paramref name="code"/>, unless an earlier fault already set one: the first cause is the one to report.</summary>
    public void Request(int code) => Interlocked.CompareExchange(ref _code, code, 0);
}
