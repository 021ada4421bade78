using System.Net.Sockets;
using System.Security.Cryptography;

namespace Tcpffee.Tests.Common;

/// <summary>Sends or receives a long byte stream over a socket while hashing it, for checking that bulk data arrives intact.</summary>
internal static class HashedTransfer
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>Sends <paramref name="length"/> pseudo-random bytes from <paramref name="seed"/>; returns their SHA-256.</summary>
    public static async Task<byte[]> SendRandomAsync(Socket socket, long length, int seed, CancellationToken cancellation)
    {
        var random = new Random(seed);
        var chunk = new byte[ChunkSize];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long sent = 0; sent < length;)
        {
            var size = (int)Math.Min(chunk.Length, length - sent);
            random.NextBytes(chunk.AsSpan(0, size));
            hash.AppendData(chunk, 0, size);
            await socket.SendAsync(chunk.AsMemory(0, size), SocketFlags.None, cancellation).ConfigureAwait(false);
            sent += size;
        }

        return hash.GetHashAndReset();
    }

    /// <summary>Receives until FIN; returns the number of bytes and their SHA-256.</summary>
    public static async Task<(long Length, byte[] Hash)> ReceiveToEndAsync(Socket socket, CancellationToken cancellation)
    {
        var buffer = new byte[ChunkSize];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellation).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }

        return (total, hash.GetHashAndReset());
    }
}
