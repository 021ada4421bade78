using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Health.Support;

/// <summary>One HTTP request exactly as it arrived on the wire.</summary>
internal sealed record RecordedRequest(string Method, string Target, string Version, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    /// <summary>Every value of header <paramref name="name"/> (case-insensitive), in arrival order.</summary>
    public IReadOnlyList<string> Values(string name) =>
        [.. Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value)];

    public override string ToString() =>
        $"{Method} {Target} {Version} [{string.Join(", ", Headers.Select(h => $"{h.Key}: {h.Value}"))}] body '{Body}'";
}

/// <summary>
/// A tiny HTTP/1.1 server on a raw socket at 127.0.0.1: parses the request line, headers and a Content-Length body,
/// records them, and answers the status chosen for the request's path (or never answers, to test timeouts).
/// Each connection carries one request and is closed after the answer.
/// </summary>
internal sealed class RecordingHttpBackend : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, (int Status, string? Location)> _answers = new(StringComparer.Ordinal);
    private readonly TestBackend _server;
    private int _defaultStatus;

    public RecordingHttpBackend(int defaultStatus = 200)
    {
        _defaultStatus = defaultStatus;
        _server = TestBackend.Start(ServeAsync, "http");
    }

    public IPEndPoint EndPoint => _server.EndPoint;

    /// <summary>Every complete request received so far.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>When set, requests are read and recorded but never answered.</summary>
    public bool Hang { get; set; }

    /// <summary>The status of paths that have no answer of their own.</summary>
    public int DefaultStatus
    {
        get => Volatile.Read(ref _defaultStatus);
        set => Volatile.Write(ref _defaultStatus, value);
    }

    /// <summary>Answers <paramref name="path"/> with <paramref name="status"/>, and a Location header when given.</summary>
    public void Answer(string path, int status, string? location = null) => _answers[path] = (status, location);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task ServeAsync(Socket client, CancellationToken stop)
    {
        try
        {
            using var stream = new NetworkStream(client, ownsSocket: false);
            var request = await ReadRequestAsync(stream, stop).ConfigureAwait(false);
            if (request is null)
            {
                return;
            }

            _requests.Enqueue(request);
            if (Hang)
            {
                await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
            }

            var path = request.Target.Split('?')[0];
            var (status, location) = _answers.TryGetValue(path, out var answer) ? answer : (DefaultStatus, null);
            var response = new StringBuilder();
            response.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} Status{status}\r\n");
            if (location is not null)
            {
                response.Append(CultureInfo.InvariantCulture, $"Location: {location}\r\n");
            }

            response.Append("Content-Length: 0\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response.ToString()), stop).ConfigureAwait(false);
            client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The probe gave up or the test ended.
        }
    }

    private static async Task<RecordedRequest?> ReadRequestAsync(Stream stream, CancellationToken cancellation)
    {
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        int headerEnd;
        while ((headerEnd = IndexOfHeaderEnd(buffer)) < 0)
        {
            var read = await stream.ReadAsync(chunk, cancellation).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
        }

        var head = Encoding.ASCII.GetString([.. buffer.Take(headerEnd)]);
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3)
        {
            throw new IOException($"not an HTTP/1.1 request line: '{lines[0]}'");
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            // A line without a colon is recorded whole as a name, for the test to see what arrived.
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(colon < 0 ? new(line, "") : new(line[..colon], line[(colon + 1)..].Trim()));
        }

        var length = headers.FirstOrDefault(h => string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase)).Value is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw new IOException($"bad Content-Length '{text}'")
            : 0;
        var body = buffer.Skip(headerEnd + 4).ToList();
        while (body.Count < length)
        {
            var read = await stream.ReadAsync(chunk, cancellation).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            body.AddRange(chunk.AsSpan(0, read));
        }

        return new RecordedRequest(requestLine[0], requestLine[1], requestLine[2], headers, Encoding.UTF8.GetString([.. body]));
    }

    private static int IndexOfHeaderEnd(List<byte> buffer)
    {
        for (var i = 0; i + 3 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
