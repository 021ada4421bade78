using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Tcpffee.Api.Contracts;
using Tcpffee.Configuration;
using Tcpffee.Diagnostics;
using Tcpffee.Health;
using Tcpffee.Hosting;
using Tcpffee.Listeners;
using Tcpffee.Model;
using Tcpffee.Reload;
using Tcpffee.StickTable;

namespace Tcpffee.Api;

/// <summary>The stats and admin API under <c>/api/v1</c>: minimal APIs with typed results, problem details on bad input.</summary>
internal static class ApiRoutes
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 10_000;

    public static void MapTcpffeeApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/v1").WithTags("tcpffee");
        api.MapGet("/", Summary).WithName("GetSummary").WithSummary("The proxy at a glance");
        api.MapGet("/groups", (GroupViews views) => TypedResults.Ok(views.All())).WithName("GetGroups").WithSummary("Every group with its state, health and traffic");
        api.MapGet("/groups/{id}", Group).WithName("GetGroup").WithSummary("One group").BadInput().Missing();
        api.MapGet("/stick-table", StickTable).WithName("GetStickTable").WithSummary("A page of the stick table").BadInput()
            .AddEndpointFilter(app.Services.GetRequiredService<InspectionGateFilter>());
        api.MapGet("/stick-table/{key}", StickEntry).WithName("GetStickEntry").WithSummary("One stick table entry, by key (URL-encoded)").BadInput().Missing();
        api.MapGet("/cluster", (ClusterViews views) => TypedResults.Ok(views.Describe()))
            .WithName("GetCluster").WithSummary("The proxy's place in its cluster");

        // Filter instances, not AddEndpointFilter<T>(): that builds its factory from an expression tree, which loads and
        // compiles System.Linq.Expressions at start.
        var admin = api.MapGroup("/").AddEndpointFilter(ActivatorUtilities.CreateInstance<AdminAuthorizationFilter>(app.Services))
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapDelete("/stick-table/{key}", ForgetEntry).WithName("DeleteStickEntry").WithSummary("Forget a stick table entry without open connections (admin)")
            .BadInput().Missing().ProducesProblem(StatusCodes.Status409Conflict).NoMajority();
        admin.MapPost("/groups/{id}/drain", (string id, GroupViews views, GroupOverrides overrides, HealthStateStore store, CancellationToken cancellation) => Override(id, GroupStatus.Draining, views, overrides, store, cancellation))
            .BadInput().Missing().NoMajority().WithName("DrainGroup").WithSummary("Drain a group until /enable (admin)");
        admin.MapPost("/groups/{id}/disable", (string id, GroupViews views, GroupOverrides overrides, HealthStateStore store, CancellationToken cancellation) => Override(id, GroupStatus.Disabled, views, overrides, store, cancellation))
            .BadInput().Missing().NoMajority().WithName("DisableGroup").WithSummary("Disable a group until /enable (admin)");
        admin.MapPost("/groups/{id}/enable", (string id, GroupViews views, GroupOverrides overrides, HealthStateStore store, CancellationToken cancellation) => Override(id, GroupStatus.Up, views, overrides, store, cancellation))
            .BadInput().Missing().NoMajority().WithName("EnableGroup").WithSummary("Clear a group's runtime override (admin)");
        admin.MapPost("/reload", Reload).WithName("Reload").WithSummary("Reload the configuration file, as SIGUSR1 does (admin)");
    }

    private static RouteHandlerBuilder BadInput(this RouteHandlerBuilder route) => route.ProducesProblem(StatusCodes.Status400BadRequest);

    private static RouteHandlerBuilder Missing(this RouteHandlerBuilder route) => route.ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>In a cluster, a change that the majority cannot commit is refused with 503; an override that cannot be saved answers 503 too.</summary>
    private static RouteHandlerBuilder NoMajority(this RouteHandlerBuilder route) => route.ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static Ok<SummaryResponse> Summary(
        RoutingState routing, TcpffeeEnvironment environment, ConnectionTracker tracker, ProxyMetrics metrics, IStickTableAdmin table,
        ConfigReloadService reloads, ProcessClock clock, ClusterViews cluster)
    {
        var config = routing.Current.Config;
        var totals = new TotalsResponse(tracker.Count, metrics.TotalAccepted, metrics.TotalRejected, metrics.TotalBytesUp, metrics.TotalBytesDown);
        return TypedResults.Ok(new SummaryResponse(
            TcpffeeHost.Version,
            Environment.MachineName,
            clock.StartedAt,
            clock.Uptime.TotalSeconds,
            environment.ConfigPath,
            reloads.LastResult is { } last ? ToResponse(last) : null,
            config.Ports,
            totals,
            table.Count,
            cluster.Role()));
    }

    private static Results<Ok<GroupResponse>, ProblemHttpResult> Group(string id, GroupViews views) =>
        ParseGroup(id, out var groupId, out var problem) ? Found(views.Find(groupId), $"there is no group {groupId}") : problem;

    private static Results<Ok<StickTablePageResponse>, ProblemHttpResult> StickTable(StickTableViews views, string? group, string? limit, string? offset)
    {
        // Bound as text and parsed here, so that "limit=abc" gets the same problem details as "limit=0".
        if (!TryPageNumber(limit, DefaultPageSize, out var pageSize) || !TryPageNumber(offset, 0, out var skip))
        {
            return BadRequest($"limit must be between 1 and {MaxPageSize}, and offset 0 or more (whole numbers)");
        }

        int? groupId = null;
        if (group is not null)
        {
            if (!ParseGroup(group, out var parsed, out var problem))
            {
                return problem;
            }

            groupId = parsed;
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            return BadRequest($"limit must be between 1 and {MaxPageSize}, and offset 0 or more (whole numbers)");
        }

        return TypedResults.Ok(views.Page(groupId, skip, pageSize));
    }

    private static Results<Ok<StickEntryResponse>, ProblemHttpResult> StickEntry(string key, StickTableViews views) =>
        StickKey.TryParse(key, out var parsed)
            ? Found(views.Find(parsed), $"no live entry for key {key}")
            : BadRequest($"'{key}' is not a key: write the client IP, optionally followed by '|' and the slice");

    private static async Task<Results<NoContent, ProblemHttpResult>> ForgetEntry(string key, IStickTableAdmin table)
    {
        if (!StickKey.TryParse(key, out var parsed))
        {
            return BadRequest($"'{key}' is not a key: write the client IP, optionally followed by '|' and the slice");
        }

        return await table.ForgetAsync(parsed).ConfigureAwait(false) switch
        {
            StickForgetResult.Unavailable => TypedResults.Problem(
                "the cluster's majority is out of reach, so the removal could not be committed; try again",
                statusCode: StatusCodes.Status503ServiceUnavailable),
            StickForgetResult.Forgotten => TypedResults.NoContent(),
            StickForgetResult.InUse => TypedResults.Problem(
                $"the entry for {key} has open connections; it can be forgotten once they close (drain or disable its group to move the client)",
                statusCode: StatusCodes.Status409Conflict),
            _ => NotFound($"no live entry for key {key}"),
        };
    }

    private static async Task<Results<Ok<GroupResponse>, ProblemHttpResult>> Override(
        string id, GroupStatus status, GroupViews views, GroupOverrides overrides, HealthStateStore store, CancellationToken cancellation)
    {
        if (!ParseGroup(id, out var groupId, out var problem))
        {
            return problem;
        }

        if (views.Find(groupId) is null)
        {
            return NotFound($"there is no group {groupId}");
        }

        var result = await overrides.SetAsync(groupId, status, cancellation).ConfigureAwait(false);
        return result.Status switch
        {
            OverrideStatus.NoMajority => TypedResults.Problem(
                "the cluster's majority is out of reach, so the override could not be committed; try again",
                statusCode: StatusCodes.Status503ServiceUnavailable),
            OverrideStatus.NotSaved => TypedResults.Problem(
                $"the override applies now, in memory, but the health state could not be saved to {store.Path} ({result.SaveError}): "
                + "a restart before a save succeeds would lose it",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Applied in memory only"),
            _ => TypedResults.Ok(views.Find(groupId)!),
        };
    }

    private static async Task<Ok<ReloadResponse>> Reload(ConfigReloadService reloads, CancellationToken cancellation) =>
        TypedResults.Ok(ToResponse(await reloads.ReloadNowAsync(cancellation).ConfigureAwait(false)));

    private static ReloadResponse ToResponse(ReloadResult result) => new(result.At, result.Applied, result.Summary, result.Errors);

    private static bool TryPageNumber(string? text, int fallback, out int value)
    {
        value = fallback;
        return text is null || int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool ParseGroup(string text, out int id, out ProblemHttpResult problem)
    {
        problem = null!;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id))
        {
            return true;
        }

        problem = BadRequest($"'{text}' is not a group id (a non-negative integer)");
        return false;
    }

    private static Results<Ok<T>, ProblemHttpResult> Found<T>(T? value, string missing)
        where T : class =>
        value is not null ? TypedResults.Ok(value) : NotFound(missing);

    private static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    private static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound);
}
