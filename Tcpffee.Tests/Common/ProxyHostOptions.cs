using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tcpffee.Configuration;

namespace Tcpffee.Tests.Common;

/// <summary>What a <see cref="ProxyHost"/> needs beyond its configuration; every option has a default that suits most tests.</summary>
internal sealed record ProxyHostOptions
{
    /// <summary>The environment (API token, key type...); its file paths are replaced by paths in <see cref="StateDirectory"/>.</summary>
    public TcpffeeEnvironment Environment { get; init; } = new();

    /// <summary>Replaces the host's clock.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>A directory the caller keeps (to restart on the same state files); null gives the host a temp directory of its own.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>The file a reload reads; null means the configuration's source file if it exists, else <c>tcpffee.toml</c> in the state directory.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>When set, the stats endpoint listens on an ephemeral port of this address instead of where the configuration says.</summary>
    public IPAddress? StatsAddress { get; init; }

    /// <summary>Changes the host's services after the real registrations (for example, wraps the transport).</summary>
    public Action<IServiceCollection>? Services { get; init; }
}
