using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace Tcpffee.Listeners;

/// <summary>Gives the socket transport <see cref="LargeBlockMemoryPool"/> instead of Kestrel's 4 KiB block pool.</summary>
internal sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}
