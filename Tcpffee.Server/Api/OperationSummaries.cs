using Microsoft.AspNetCore.Http.Metadata;
using NSwag.Generation.AspNetCore;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Tcpffee.Api;

/// <summary>
/// Puts each route's <c>WithSummary</c> text into its operation: NSwag does not read that metadata from minimal API
/// routes, so the document (and the clients generated from it) had no word on what an operation does.
/// </summary>
internal sealed class OperationSummaries : IOperationProcessor
{
    public bool Process(OperationProcessorContext context)
    {
        if (context is AspNetCoreOperationProcessorContext { ApiDescription.ActionDescriptor.EndpointMetadata: { } metadata })
        {
            context.OperationDescription.Operation.Summary ??= metadata.OfType<IEndpointSummaryMetadata>().LastOrDefault()?.Summary;
        }

        return true;
    }
}
