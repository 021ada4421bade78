using System.Net;

namespace Tcpffee.Tests.Common;

/// <summary>One group of a test configuration, for <see cref="TestConfig.ForGroups"/> and <see cref="TestConfig.Toml"/>: its id and its single backend.</summary>
internal sealed record TestGroup(int Id, IPEndPoint Backend)
{
    public bool Drain { get; init; }

    public bool Disabled { get; init; }

    /// <summary>Adds one TCP health check (every second, up after one pass) on the backend.</summary>
    public bool HealthCheck { get; init; }
}
