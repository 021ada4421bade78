using System.Net;
using System.Security.Cryptography;
using System.Text;
using Tcpffee.Configuration;

namespace Tcpffee.Api;

/// <summary>
/// Guards the routes that change state. With <c>TCPFFEE_API_TOKEN</c> set, they need <c>Authorization: Bearer TOKEN</c>
/// (401 without one, 403 with a wrong one); without it, only loopback clients may use them. Either way, a request from
/// another web page (a foreign <c>Origin</c> or <c>Host</c>, see <see cref="AdminOriginPolicy"/>) is refused with 403 first.
/// </summary>
internal sealed class AdminAuthorizationFilter : IEndpointFilter
{
    private readonly byte[]? _token;
    private readonly AdminOriginPolicy _origins;

    public AdminAuthorizationFilter(TcpffeeEnvironment environment, AdminOriginPolicy origins)
    {
        _origins = origins;
        _token = environment.ApiToken is { } token ? Encoding.UTF8.GetBytes(token) : null;
    }

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (_origins.Refusal(http) is { } refusal)
        {
            // Before the token: a page the operator opens must not get to try its luck, and a token never makes it safe.
            return Deny(StatusCodes.Status403Forbidden, refusal);
        }

        if (_token is null)
        {
            return http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote)
                ? next(context)
                : Deny(StatusCodes.Status403Forbidden, "Admin routes are open to loopback clients only; set TCPFFEE_API_TOKEN to use them remotely.");
        }

        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Deny(StatusCodes.Status401Unauthorized, "This route needs Authorization: Bearer <TCPFFEE_API_TOKEN>.");
        }

        // Constant time, so the token cannot be guessed byte by byte from response times.
        var given = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, _token)
            ? next(context)
            : Deny(StatusCodes.Status403Forbidden, "The bearer token is not the one in TCPFFEE_API_TOKEN.");
    }

    private static ValueTask<object?> Deny(int status, string detail) =>
        ValueTask.FromResult<object?>(TypedResults.Problem(detail, statusCode: status));
}
