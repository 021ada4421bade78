using System.Buffers;

namespace Tcpffee.Listeners;

/// <summary>
/// A memory pool of 64 KiB blocks for the socket transport. Kestrel's default 4 KiB blocks cap every receive from a
/// client at 4 KiB, one syscall each, which halves bulk upload throughput through a proxy. Idle connections hold no
/// block, because the transport waits for data before it takes one.
/// </summary>
internal sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        return new Block(ArrayPool<byte>.Shared.Rent(BlockSize));
    }

    protected override void Dispose(bool disposing)
    {
        // Blocks go back to the shared array pool one by one; there is nothing pooled here to free.
    }

    private sealed class Block : IMemoryOwner<byte>
    {
        private byte[]? _array;

        public Block(byte[] array)
        {
            _array = array;
        }

        public Memory<byte> Memory => _array is { } array ? array.AsMemory(0, BlockSize) : throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }
}
