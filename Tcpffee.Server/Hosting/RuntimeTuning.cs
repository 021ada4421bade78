namespace Tcpffee.Hosting;

/// <summary>Runtime settings that decide proxy speed on few cores, applied so that users get them without knowing.</summary>
internal static class RuntimeTuning
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Must run before the first socket is created: the runtime reads the variable once, when its socket engine starts.</summary>
    public static void Apply()
    {
        // Socket completions run on the epoll thread instead of hopping to the thread pool: the unloaded round trip
        // drops to HAProxy's level and CPU per request falls. An operator's own setting wins.
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
    }
}
