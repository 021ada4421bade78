using System.Buffers.Binary;
using System.Net;
using BenchmarkDotNet.Attributes;
using Tcpffee.Cluster;
using Tcpffee.StickTable;

namespace Tcpffee.Bench.StickTable;

/// <summary>
/// What the cluster's once-a-second work costs each replica of the stick table: the leader's check for anything to
/// expire, an expire round that removes nothing, and a report of 100 active keys.
/// </summary>
[MemoryDiagnoser]
public class StickStateMachineBenchmarks
{
    private const long StartMs = 1_800_000_000_000;
    private static readonly TimeSpan Expiration = TimeSpan.FromHours(1);

    private StickStateMachine _state = null!;
    private byte[] _expire = null!;
    private byte[] _touch = null!;
    private long _nowMs;

    [Params(1_000, 1_000_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _state = new StickStateMachine();
        var random = new Random(7);
        var active = new List<StickKey>();
        for (int i = 0; i < Entries; i++)
        {
            var key = StickKey.FromAddress(new IPAddress(random.NextInt64(1, uint.MaxValue)));
            _state.Apply(StickCommandKind.Assign, Stamped(StickCommand.Assign(key, i % 4, replacing: null), StartMs + i));
            if (active.Count < 100)
            {
                active.Add(key);
            }
        }

        _nowMs = StartMs + Entries;
        _expire = Stamped(StickCommand.Expire(), _nowMs);
        _touch = Stamped(StickCommand.Touch(active).Single(), _nowMs);
    }

    [Benchmark]
    public bool HasExpiredOrExcess() => _state.HasExpiredOrExcess(_nowMs, Expiration, Entries + 1);

    [Benchmark]
    public int ExpireNothing()
    {
        _state.Apply(StickCommandKind.Expire, _expire);
        return _state.Count;
    }

    [Benchmark]
    public int TouchHundred()
    {
        _state.Apply(StickCommandKind.Touch, _touch);
        return _state.Count;
    }

    /// <summary>The header a leader writes: its time, the expiration (longer than the table spans, so nothing expires), and a bound above the table.</summary>
    private byte[] Stamped(byte[] command, long timeMs)
    {
        BinaryPrimitives.WriteInt64LittleEndian(command, timeMs);
        BinaryPrimitives.WriteInt64LittleEndian(command.AsSpan(8), (long)Expiration.TotalMilliseconds);
        BinaryPrimitives.WriteInt32LittleEndian(command.AsSpan(16), Entries + 1);
        return command;
    }
}
