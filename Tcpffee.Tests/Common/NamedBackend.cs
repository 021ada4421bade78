using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tcpffee.Tests.Common;

/// <summary>
/// A backend (on 127.0.0.1 unless told otherwise) that tells a client where the proxy sent it. Its one wire behaviour: on accept it sends its
/// name and a newline (<see cref="Banner"/>); then it echoes every byte it receives; when the client half-closes, it
/// half-closes too once everything is echoed, and closes. So the bytes each way are known: down is the banner plus
/// the echo of what went up. It can stop listening (connections are then refused) and listen again on the same port.
/// </summary>
internal sealed class NamedBackend : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private TestBackend? _server;
    private int _acceptedBefore;

    private NamedBackend(string name, IPEndPoint bindTo)
    {
        Name = name;
        Banner = Encoding.ASCII.GetBytes(name + "\n");
        _server = Listen(bindTo);
        EndPoint = _server.EndPoint;
    }

    public string Name { get; }

    /// <summary>What the backend sends first on every connection: its name and a newline.</summary>
    public byte[] Banner { get; }

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    /// <summary>How many connections were accepted so far, health probes included, over every time it listened.</summary>
    public int Accepted
    {
        get
        {
            lock (_lock)
            {
                return _acceptedBefore + (_server?.Accepted ?? 0);
            }
        }
    }

    public bool IsListening
    {
        get
        {
            lock (_lock)
            {
                return _server is not null;
            }
        }
    }

    /// <summary>Starts a backend named <paramref name="name"/> on a free loopback port, or on <paramref name="port"/> when given.</summary>
    public static NamedBackend Start(string name, int port = 0) => new(name, new IPEndPoint(IPAddress.Loopback, port));

    /// <summary>Starts a backend named <paramref name="name"/> listening on <paramref name="bindTo"/> (another loopback address, say).</summary>
    public static NamedBackend Start(string name, IPEndPoint bindTo) => new(name, bindTo);

    /// <summary>The backend of group <paramref name="group"/>, named <see cref="NameOf"/>.</summary>
    public static NamedBackend ForGroup(int group) => Start(NameOf(group));

    /// <summary>The name of group <paramref name="group"/>'s backend: <c>group-ID</c>.</summary>
    public static string NameOf(int group) => $"group-{group}";

    /// <summary>The group whose backend (named by <see cref="NameOf"/>) sent <paramref name="name"/>.</summary>
    public static int GroupOf(string name) =>
        name.StartsWith("group-", StringComparison.Ordinal) ? int.Parse(name["group-".Length..], CultureInfo.InvariantCulture)
        : throw new InvalidOperationException($"'{name}' is not the name of a group's backend");

    /// <summary>Stops listening and closes every connection: from now on connections to <see cref="EndPoint"/> are refused.</summary>
    public async Task StopAsync()
    {
        TestBackend? server;
        lock (_lock)
        {
            (server, _server) = (_server, null);
            _acceptedBefore += server?.Accepted ?? 0;
        }

        if (server is not null)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Listens again on the same port.</summary>
    public void Restart()
    {
        lock (_lock)
        {
            _server = _server is null ? Listen(EndPoint) : throw new InvalidOperationException($"backend {Name} already listens");
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private TestBackend Listen(IPEndPoint bindTo) =>
        TestBackend.Start(
            async (socket, cancellation) =>
            {
                await socket.SendAsync(Banner, SocketFlags.None, cancellation).ConfigureAwait(false);
                await TestBackend.EchoAsync(socket, cancellation).ConfigureAwait(false);
            },
            Name,
            bindTo);
}
