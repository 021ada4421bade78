using System.IO.Pipelines;
using System.Net.Sockets;

namespace Tcpffee.Listeners;

/// <summary>
/// Pipes over a proxied connection's socket, for a reader that wants a pipe (<see cref="ProxySocketConnection.Transport"/>).
/// They read and write the socket on demand, with no loop of their own, and leave closing it to the connection.
/// </summary>
internal sealed class SocketDuplexPipe : IDuplexPipe
{
    public SocketDuplexPipe(Socket socket)
    {
        var stream = new NetworkStream(socket, ownsSocket: false);
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: LargeBlockMemoryPool.BlockSize, leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public void Complete()
    {
        Input.Complete();
        Output.Complete();
    }
}
