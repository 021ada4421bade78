using System.Security.Cryptography;
using Tcpffee.Configuration;

namespace Tcpffee.Descriptors;

/// <summary>
/// Does at start, while descriptors are plentiful, the first use whose failure the runtime keeps for the life of the
/// process: a native library whose type initializer failed (OpenSSL, behind the SHA-256 of a health check's identity)
/// throws <see cref="TypeInitializationException"/> on every later use, so checks first planned during a shortage
/// would stay broken after it.
/// </summary>
/// <remarks>
/// Only what the configuration uses: OpenSSL costs about 5 MiB of resident memory, and a proxy without health checks
/// never loads it (the stick table file's checksum is not cryptographic). A reload that adds the first health check
/// loads it then, like any other late load.
/// Assemblies are not loaded ahead: loading every reference cost about 30 MiB of RSS (HttpSys, IIS, QUIC, XML and
/// the like, which no proxy uses), and the loads that do happen later find descriptors, because the proxied ports stop
/// accepting a margin short of the limit (<see cref="DescriptorBudget.Margin"/>).
/// </remarks>
internal static class FirstUseWarmup
{
    public static void Run(TcpffeeConfig config)
    {
        if (config.Groups.Any(g => !g.HealthChecks.IsEmpty))
        {
            _ = SHA256.HashData(ReadOnlySpan<byte>.Empty);
        }
    }
}
