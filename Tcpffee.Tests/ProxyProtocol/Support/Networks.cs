using System.Collections.Immutable;
using System.Net;

namespace Tcpffee.Tests.ProxyProtocol.Support;

/// <summary>Networks for <c>accept_proxy_from</c>, as the configuration record holds them.</summary>
internal static class Networks
{
    public static ImmutableArray<IPNetwork> Of(params string[] cidrs) => [.. cidrs.Select(IPNetwork.Parse)];
}
