using System.Security.Cryptography;

namespace Tcpffee.Descriptors;

/// <summary>
/// Does at start, while descriptors are plentiful, the first use whose failure the runtime keeps for the life of the
/// process: a native library whose type initializer failed (OpenSSL, behind the SHA-256 of the stick table file)
/// throws <see cref="TypeInitializationException"/> on every later use, so a save first attempted during a shortage
/// would stay broken after it.
/// </summary>
/// <remarks>
/// Assemblies are not loaded ahead: loading every reference cost about 30 MiB of RSS (HttpSys, IIS, QUIC, XML and
/// the like, which no proxy uses), and the loads that do happen later find descriptors, because the proxied ports stop
/// accepting a margin short of the limit (<see cref="DescriptorBudget.Margin"/>).
/// </remarks>
internal static class FirstUseWarmup
{
    public static void Run() => _ = SHA256.HashData(ReadOnlySpan<byte>.Empty);
}
