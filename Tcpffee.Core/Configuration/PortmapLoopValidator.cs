using System.Net;
using Tcpffee.Configuration.Toml;

namespace Tcpffee.Configuration;

/// <summary>
/// Warns about a portmap that sends a port back to the proxy's own listener, which would loop every connection.
/// A warning, not an error: the original example configuration does exactly this with its loopback group.
/// </summary>
internal static class PortmapLoopValidator
{
    public static IEnumerable<ConfigError> Warnings(TomlSource source, TcpffeeConfig config)
    {
        var groups = source.Root.TryGetValue("groups", out var raw) ? raw as Tomlyn.Model.TomlTable : null;
        foreach (var group in config.Groups)
        {
            var looping = config.Ports
                .Where(p => group.Portmap.Resolve(p) is { } backend && config.Ports.Contains(backend.Port) && ListensOn(config.BindAddress, backend.Address))
                .ToList();
            if (looping.Count > 0)
            {
                var key = group.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var (line, column) = groups is null ? (1, 1) : source.KeyPosition(groups, key);
                yield return new ConfigError(
                    source.Path, line, column,
                    $"groups.{key}.portmap: sends port {string.Join(", ", looping)} back to this proxy's own listener ({config.BindAddress}); connections would loop");
            }
        }
    }

    private static bool ListensOn(IPAddress bind, IPAddress backend) =>
        bind.Equals(backend)
        || ((bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any)) && (IPAddress.IsLoopback(backend) || backend.Equals(IPAddress.Any)));
}
