using System.Buffers.Binary;
using System.Net.Mime;
using DotNext.IO;
using DotNext.Net.Cluster.Messaging;

namespace Tcpffee.Cluster;

/// <summary>
/// A command on its way to the leader through dotNext's message bus, and the leader's answer, as raw bytes.
/// Request: i32 command id, then the command's payload. Answer: u8 status, i32 value, i64 log index. Little-endian.
/// </summary>
internal sealed class ProposalMessage(string name, ReadOnlyMemory<byte> content) : IMessage
{
    /// <summary>The message name the leader's channel takes.</summary>
    public const string ProposeName = "tcpffee-propose";

    private const string AnswerName = "tcpffee-answer";
    private const int AnswerLength = 13;

    private static readonly ContentType Octets = new(MediaTypeNames.Application.Octet);

    public string Name => name;

    public ContentType Type => Octets;

    public bool IsReusable => true;

    public long? Length => content.Length;

    public ReadOnlyMemory<byte> Content => content;

    public static ProposalMessage Request(int commandId, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, commandId);
        payload.CopyTo(bytes.AsSpan(4));
        return new ProposalMessage(ProposeName, bytes);
    }

    /// <summary>Splits a request; false when it is too short to hold a command id.</summary>
    public static bool TryReadRequest(ReadOnlyMemory<byte> request, out int commandId, out ReadOnlyMemory<byte> payload)
    {
        commandId = request.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(request.Span) : 0;
        payload = request.Length >= 4 ? request[4..] : default;
        return request.Length >= 4;
    }

    public static ProposalMessage Answer(ProposalResult result)
    {
        var bytes = new byte[AnswerLength];
        bytes[0] = (byte)result.Status;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), result.Value);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(5), result.Index);
        return new ProposalMessage(AnswerName, bytes);
    }

    /// <summary>Reads the leader's answer; one that is not well formed counts as "try again".</summary>
    public static async ValueTask<ProposalResult> ReadAnswerAsync(IMessage answer, CancellationToken cancellation)
    {
        var bytes = await answer.ToByteArrayAsync(null, cancellation).ConfigureAwait(false);
        if (bytes.Length != AnswerLength || !Enum.IsDefined((ProposalStatus)bytes[0]))
        {
            return ProposalResult.Retry;
        }

        return new ProposalResult(
            (ProposalStatus)bytes[0], BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(1)), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(5)));
    }

    public ValueTask WriteToAsync<TWriter>(TWriter writer, CancellationToken token)
        where TWriter : IAsyncBinaryWriter => writer.Invoke(content, token);
}
