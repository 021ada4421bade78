using System.IO.Pipelines;

namespace Tcpffee.Proxy;

/// <summary>
/// Waits for the first bytes of a client without consuming them, for keys built from the first message.
/// </summary>
/// <remarks>
/// The returned <see cref="ReadResult"/> must be handed to the copy loop without calling <c>AdvanceTo</c>:
/// "examined" bytes are never handed out again by a later read, so advancing here would strand them.
/// </remarks>
internal static class FirstMessageReader
{
    /// <summary>Returns once <paramref name="bytesNeeded"/> bytes are in, the client finished sending, or the timeout passed.</summary>
    public static async ValueTask<ReadResult> ReadAsync(PipeReader input, int bytesNeeded, TimeSpan timeout, TimeProvider time)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var registration = timer.Token.UnsafeRegister(static s => ((PipeReader)s!).CancelPendingRead(), input);
        while (true)
        {
            // A cancelled read still returns what is buffered, so nothing is lost when the timeout fires.
            var result = await input.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            if (result.Buffer.Length >= bytesNeeded || result.IsCompleted || result.IsCanceled)
            {
                return result;
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
