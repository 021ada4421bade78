using NJsonSchema;
using NSwag;

namespace Tcpffee.Api;

/// <summary>
/// Describes the group id and paging parameters as the whole numbers the API accepts. Their handlers bind them as text
/// and parse them themselves, so that "abc" gets the same problem details as an out-of-range number; NSwag reads that
/// binding as type string, and a client generated from the document would then take strings for ids and page sizes.
/// </summary>
internal static class NumericParameters
{
    private static readonly Dictionary<(OpenApiParameterKind Kind, string Name), (int Minimum, int? Maximum, int? Default, string Description)> Numbers = new()
    {
        [(OpenApiParameterKind.Path, "id")] = (0, null, null, "The group id, as in the configuration's [groups.<id>]."),
        [(OpenApiParameterKind.Query, "group")] = (0, null, null, "Only the entries of this group."),
        [(OpenApiParameterKind.Query, "limit")] = (1, ApiRoutes.MaxPageSize, ApiRoutes.DefaultPageSize, "The most entries on the page."),
        [(OpenApiParameterKind.Query, "offset")] = (0, null, 0, "How many entries, in key order, come before the page."),
    };

    public static void Apply(OpenApiDocument document)
    {
        foreach (var parameter in document.Paths.Values.SelectMany(p => p.Values).SelectMany(o => o.Parameters))
        {
            if (!Numbers.TryGetValue((parameter.Kind, parameter.Name), out var number))
            {
                continue;
            }

            parameter.Description ??= number.Description;
            parameter.Schema = new JsonSchema
            {
                Type = JsonObjectType.Integer,
                Format = JsonFormatStrings.Integer,
                Minimum = number.Minimum,
                Maximum = number.Maximum,
                Default = number.Default,
                // An optional query parameter may be left out, so the generated clients take a nullable number.
                IsNullableRaw = parameter.IsRequired ? null : true,
            };
        }
    }
}
