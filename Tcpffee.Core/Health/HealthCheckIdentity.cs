using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Tcpffee.Configuration;
using Tcpffee.ProxyProtocol;

namespace Tcpffee.Health;

/// <summary>
/// Names a health check across reloads and restarts: its group, its position, and a hash of everything that decides
/// what it probes. A check whose settings or endpoints change gets a new identity, so it starts fresh.
/// </summary>
internal readonly record struct HealthCheckIdentity(int GroupId, int Index, string SettingsHash)
{
    public override string ToString() => $"{GroupId}/{Index}/{SettingsHash}";

    public static bool TryParse(string text, out HealthCheckIdentity identity)
    {
        identity = default;
        var parts = text.Split('/');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var group)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || parts[2].Length == 0)
        {
            return false;
        }

        identity = new HealthCheckIdentity(group, index, parts[2]);
        return true;
    }

    /// <param name="sendProxy">The PROXY header the probes send (the group's, with send_proxy_checks), which is part of what they do.</param>
    public static HealthCheckIdentity For(int groupId, HealthCheckConfig check, IReadOnlyList<IPEndPoint> endpoints, ProxyProtocolVersion? sendProxy = null)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"fall={check.Fall};rise={check.Rise};action={check.FallAction};");
        text.Append(CultureInfo.InvariantCulture, $"interval={check.Interval.Ticks};timeout={check.Timeout.Ticks};port={check.Port};proxy={check.SendProxyChecks}:{sendProxy};");
        if (check.Http is { } http)
        {
            // "-" for no body and "=" before a body keep an absent body apart from an empty one: the requests differ.
            text.Append(CultureInfo.InvariantCulture, $"http={http.Method} {http.Target} {http.Status};body{(http.Body is null ? "-" : "=" + http.Body)};");
            foreach (var (name, value) in http.Headers)
            {
                text.Append(CultureInfo.InvariantCulture, $"h={name}:{value};");
            }
        }

        foreach (var endpoint in endpoints)
        {
            text.Append(CultureInfo.InvariantCulture, $"ep={endpoint};");
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return new HealthCheckIdentity(groupId, check.Index, Convert.ToHexStringLower(hash.AsSpan(0, 6)));
    }
}
