using System.Buffers.Binary;
using System.Text;
using Tcpffee.Health;
using Tcpffee.Model;

namespace Tcpffee.Cluster;

/// <summary>
/// Encodes and decodes the health group's commands. Unlike the stick table's, they carry nothing from the leader:
/// a proxy's observation and an operator's override mean the same whatever the leader's clock says.
/// </summary>
/// <remarks>
/// Observe: i32 node (peer index), u8 up (1; anything else is down), the check's identity in UTF-8.
/// Override: i32 group, i32 status (<see cref="GroupStatus.Up"/> clears it). All integers are little-endian.
/// </remarks>
internal static class HealthCommand
{
    private const int ObserveHeaderLength = 5;
    private const int OverrideLength = 8;

    /// <summary>The longest check identity, in UTF-8 bytes: the longest byte string a snapshot holds.</summary>
    /// <remarks>Every proxy sends a few bytes ("3/1"); the bound keeps a longer one a peer could send from making snapshots fail.</remarks>
    public const int MaxCheckLength = ushort.MaxValue;

    /// <summary>The identity of a check across proxies: its group id and its index in the group's checks.</summary>
    /// <remarks>Every proxy runs the same configuration, so a check whose settings differ on one proxy still votes on the same question.</remarks>
    public static string CheckKey(HealthCheckIdentity check) => $"{check.GroupId}/{check.Index}";

    public static byte[] Observe(int node, string check, bool up)
    {
        var bytes = new byte[ObserveHeaderLength + Encoding.UTF8.GetByteCount(check)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, node);
        bytes[4] = up ? (byte)1 : (byte)0;
        Encoding.UTF8.GetBytes(check, bytes.AsSpan(ObserveHeaderLength));
        return bytes;
    }

    public static byte[] Override(int groupId, GroupStatus status)
    {
        var bytes = new byte[OverrideLength];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, groupId);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), (int)status);
        return bytes;
    }

    /// <summary>Whether <paramref name="command"/> is long enough to read as a command of <paramref name="kind"/>.</summary>
    /// <remarks>
    /// An override longer than 8 bytes is accepted, as the first release accepted it: a committed command must apply
    /// alike on every build.
    /// </remarks>
    public static bool IsWellFormed(HealthCommandKind kind, ReadOnlySpan<byte> command) => kind switch
    {
        HealthCommandKind.Observe => command.Length - ObserveHeaderLength is >= 0 and <= MaxCheckLength,
        HealthCommandKind.Override => command.Length >= OverrideLength,
        _ => false,
    };

    public static (int Node, bool Up, string Check) ReadObserve(ReadOnlySpan<byte> command) =>
        (BinaryPrimitives.ReadInt32LittleEndian(command), command[4] == 1, Encoding.UTF8.GetString(command[ObserveHeaderLength..]));

    public static (int GroupId, GroupStatus Status) ReadOverride(ReadOnlySpan<byte> command) =>
        (BinaryPrimitives.ReadInt32LittleEndian(command), (GroupStatus)BinaryPrimitives.ReadInt32LittleEndian(command[4..]));
}
