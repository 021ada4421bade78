using NSwag.AspNetCore;

namespace Tcpffee.Api;

/// <summary>The OpenAPI document (NSwag) at <c>/spec/v1/</c> and the interactive UI at <c>/ui/v1/</c>, with assets from the package.</summary>
internal static class ApiDocumentation
{
    public const string DocumentPath = "/spec/v1/openapi.json";

    public static void AddTcpffeeApiDocument(this IServiceCollection services)
    {
        // NSwag reads minimal API routes through the API explorer; without it startup fails.
        services.AddEndpointsApiExplorer();
        services.AddOpenApiDocument(settings =>
        {
            settings.DocumentName = "v1";
            settings.Title = "tcpffee stats and admin API";
            settings.Version = "v1";
            settings.OperationProcessors.Add(new OperationSummaries());
            settings.PostProcess = document =>
            {
                ProblemMediaType.Apply(document);
                NumericParameters.Apply(document);
            };
            settings.Description = "Statistics of the sticky TCP load balancer, its stick table and groups, and the admin routes "
                + "(POST and DELETE) that need Authorization: Bearer <TCPFFEE_API_TOKEN>, or a loopback client when no token is set.";
        });
    }

    /// <summary>
    /// Serves the document and the UI from a branch built on the first request for either. NSwag's middleware builds
    /// its generator, its JSON schema settings and Newtonsoft.Json when it is constructed: a proxy whose operator never
    /// asks for the document does not load them, nor keep their compiled code.
    /// </summary>
    public static void UseTcpffeeApiDocument(this WebApplication app)
    {
        var branch = new Lazy<RequestDelegate>(() => BuildDocumentBranch(app), LazyThreadSafetyMode.ExecutionAndPublication);
        app.Use((context, next) =>
        {
            var path = context.Request.Path;
            return path.StartsWithSegments("/spec/v1", StringComparison.Ordinal) || path.StartsWithSegments("/ui/v1", StringComparison.Ordinal)
                ? branch.Value(context)
                : next(context);
        });
    }

    /// <summary>The document's and the UI's pipeline; a path under theirs that neither serves is a 404, as before.</summary>
    private static RequestDelegate BuildDocumentBranch(IApplicationBuilder app)
    {
        var branch = app.New();

        // NSwag matches paths exactly, so "/spec/v1/" (as the original README writes it) would be a 404.
        branch.Use((context, next) =>
        {
            if (context.Request.Path.Equals("/spec/v1/", StringComparison.Ordinal) || context.Request.Path.Equals("/spec/v1", StringComparison.Ordinal))
            {
                context.Request.Path = DocumentPath;
            }

            return next(context);
        });
        branch.UseOpenApi(settings => settings.Path = "/spec/{documentName}/openapi.json");
        branch.UseSwaggerUi(settings =>
        {
            settings.Path = "/ui/v1";
            settings.DocumentPath = DocumentPath;
            settings.SwaggerRoutes.Add(new SwaggerUiRoute("v1", DocumentPath));
        });
        return branch.Build();
    }
}
