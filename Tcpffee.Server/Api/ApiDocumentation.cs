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

    public static void UseTcpffeeApiDocument(this WebApplication app)
    {
        // NSwag matches paths exactly, so "/spec/v1/" (as the original README writes it) would be a 404.
        app.Use((context, next) =>
        {
            if (context.Request.Path.Equals("/spec/v1/", StringComparison.Ordinal) || context.Request.Path.Equals("/spec/v1", StringComparison.Ordinal))
            {
                context.Request.Path = DocumentPath;
            }

            return next(context);
        });
        app.UseOpenApi(settings => settings.Path = "/spec/{documentName}/openapi.json");
        app.UseSwaggerUi(settings =>
        {
            settings.Path = "/ui/v1";
            settings.DocumentPath = DocumentPath;
            settings.SwaggerRoutes.Add(new SwaggerUiRoute("v1", DocumentPath));
        });
    }
}
