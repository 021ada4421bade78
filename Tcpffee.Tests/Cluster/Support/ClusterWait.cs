using Tcpffee.Tests.Common;
using Xunit.Sdk;

namespace Tcpffee.Tests.Cluster.Support;

/// <summary>
/// <see cref="Eventually"/> for conditions that ask the cluster over the network: a request that fails counts as "not
/// yet", and a timeout reports what the cluster looked like last and the nodes' logs.
/// </summary>
internal static class ClusterWait
{
    /// <summary>Waits until <paramref name="condition"/> holds; <paramref name="context"/> describes the last observation on failure.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, Func<string> context, TimeSpan? timeout = null)
    {
        string? lastError = null;
        try
        {
            await Eventually.HoldsAsync(
                async () =>
                {
                    try
                    {
                        return await condition();
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException)
                    {
                        lastError = $"{ex.GetType().Name}: {ex.Message}";
                        return false;
                    }
                },
                what,
                timeout);
        }
        catch (XunitException ex)
        {
            throw new XunitException(
                $"{ex.Message}{Environment.NewLine}{(lastError is null ? "" : $"last request error: {lastError}{Environment.NewLine}")}{context()}");
        }
    }
}
