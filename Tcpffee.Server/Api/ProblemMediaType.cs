using NSwag;

namespace Tcpffee.Api;

/// <summary>
/// Gives error answers in the OpenAPI document the media type the server really sends, <c>application/problem+json</c>:
/// NSwag drops the content type that <c>ProducesProblem</c> asks for and lists <c>application/json</c>.
/// </summary>
internal static class ProblemMediaType
{
    private const string Json = "application/json";
    private const string Problem = "application/problem+json";

    public static void Apply(OpenApiDocument document)
    {
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Values))
        {
            foreach (var (status, response) in operation.Responses)
            {
                if (status.Length == 3 && status[0] is '4' or '5' && response.Content.Remove(Json, out var media))
                {
                    response.Content[Problem] = media;
                }
            }
        }
    }
}
