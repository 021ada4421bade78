namespace Tcpffee.Api;

/// <summary>
/// Serves stick table pages one at a time, the rest waiting their turn: however many clients page through the table,
/// the API works on one core at most and the proxied connections keep the others, as Envoy's admin endpoint runs on
/// its main thread apart from the workers. The page is written inside the turn, since writing it is most of its cost,
/// and the turn is kept as long again after it, so pages take half of one core at most however hard they are asked for.
/// </summary>
internal sealed class InspectionGateFilter : IEndpointFilter, IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly TimeProvider _time;

    public InspectionGateFilter(TimeProvider time)
    {
        _time = time;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        await _turn.WaitAsync(http.RequestAborted).ConfigureAwait(false);
        var started = _time.GetTimestamp();
        try
        {
            var outcome = await next(context).ConfigureAwait(false);
            if (outcome is not IResult result)
            {
                return outcome;
            }

            await result.ExecuteAsync(http).ConfigureAwait(false);
            // A timer cannot wait less than a millisecond, and a shorter page would not wait at all.
            var rest = TimeSpan.FromMilliseconds(Math.Ceiling(_time.GetElapsedTime(started).TotalMilliseconds));
            await Task.Delay(rest, _time, CancellationToken.None).ConfigureAwait(false);
            return Results.Empty;
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose() => _turn.Dispose();
}
