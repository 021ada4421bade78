using DotNext.IO;
using DotNext.Net.Cluster.Messaging;

namespace Tcpffee.Cluster;

/// <summary>
/// The leader's end of the message bus: it commits a command that a follower (or this node) sent, and answers with
/// the result. It never throws: dotNext would answer an exception with a 500 and send the command again.
/// </summary>
internal sealed class ProposalChannel(RaftGroup group) : IInputChannel
{
    public bool IsSupported(string messageName, bool oneWay) => !oneWay && messageName == ProposalMessage.ProposeName;

    public async Task<IMessage> ReceiveMessage(ISubscriber sender, IMessage message, object? context, CancellationToken token)
    {
        ProposalResult result;
        try
        {
            var request = await message.ToByteArrayAsync(null, token).ConfigureAwait(false);
            result = ProposalMessage.TryReadRequest(request, out var commandId, out var payload)
                ? await group.LeadAsync(commandId, payload, token).ConfigureAwait(false)
                : ProposalResult.Rejected;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Leadership lost under way, the sender gone, a shutdown: the proposer tries again wherever the leader is.
            result = ProposalResult.Retry;
        }

        return ProposalMessage.Answer(result);
    }

    public Task ReceiveSignal(ISubscriber sender, IMessage signal, object? context, CancellationToken token) => Task.CompletedTask;
}
