using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tcpffee.Tests.Reload.Support;

/// <summary>
/// One client connection to the proxy on 127.0.0.1, from a chosen loopback source address (127.0.0.N), so each address is
/// a distinct stick key. Every read and write is bounded by <see cref="Timeout"/>, which only matters on failure.
/// </summary>
public sealed class ProxyClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    // Linux's IP_BIND_ADDRESS_NO_PORT (IPPROTO_IP = 0, option 24): with a source address bound, the local port is picked
    // at connect time for the whole 4-tuple, as without a bind, instead of at bind time for the address alone. Clients
    // that connect thousands of times from one address then do not run out of ports to their own TIME_WAIT sockets.
    private const int IpProtocolIp = 0;
    private const int IpBindAddressNoPort = 24;

    private readonly Socket _socket;

    private ProxyClient(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>Connects to <paramref name="port"/> from <paramref name="source"/> (127.0.0.1 unless told).</summary>
    public static async Task<ProxyClient> ConnectAsync(int port, string source = "127.0.0.1")
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.SetRawSocketOption(IpProtocolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
            socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
            using var timeout = new CancellationTokenSource(Timeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            return new ProxyClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Whether a connection to 127.0.0.1:<paramref name="port"/> is refused, i.e. nothing listens there.</summary>
    public static async Task<bool> IsRefusedAsync(int port)
    {
        try
        {
            await using var client = await ConnectAsync(port);
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
    }

    /// <summary>Connects from <paramref name="source"/>, reads the greeting of a named backend, and closes: which backend served it.</summary>
    public static async Task<string> WhoAnswersAsync(int port, string source)
    {
        await using var client = await ConnectAsync(port, source);
        var name = await client.ReadLineAsync();
        await client.RoundTripAsync($"hello from {source}");
        return name;
    }

    /// <summary>Reads up to and without the next newline; throws if the connection ends first.</summary>
    public async Task<string> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await _socket.ReceiveAsync(one, SocketFlags.None, timeout.Token) == 0)
            {
                throw new IOException($"the connection ended after '{Encoding.ASCII.GetString([.. line])}' without a newline");
            }

            if (one[0] == (byte)'\n')
            {
                return Encoding.ASCII.GetString([.. line]);
            }

            line.Add(one[0]);
        }
    }

    /// <summary>Sends <paramref name="text"/> and reads as many bytes back; throws unless they are the same.</summary>
    public async Task RoundTripAsync(string text)
    {
        var sent = Encoding.UTF8.GetBytes(text);
        using var timeout = new CancellationTokenSource(Timeout);
        var offset = 0;
        while (offset < sent.Length)
        {
            offset += await _socket.SendAsync(sent.AsMemory(offset), SocketFlags.None, timeout.Token);
        }

        var received = new byte[sent.Length];
        offset = 0;
        while (offset < received.Length)
        {
            var read = await _socket.ReceiveAsync(received.AsMemory(offset), SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                throw new IOException($"the connection ended after {offset} of {received.Length} echoed bytes");
            }

            offset += read;
        }

        if (!received.AsSpan().SequenceEqual(sent))
        {
            throw new IOException($"sent '{text}' but received '{Encoding.UTF8.GetString(received)}'");
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
