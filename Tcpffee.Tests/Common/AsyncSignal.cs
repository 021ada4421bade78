namespace Tcpffee.Tests.Common;

/// <summary>Wakes every waiter each time <see cref="Pulse"/> is called; waiters re-check their condition.</summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task that completes at the next pulse; take it before checking the condition to miss none.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Returns once <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        var wait = limit ?? Eventually.DefaultTimeout;
        using var timeout = new CancellationTokenSource(wait);
        while (true)
        {
            var next = Next;
            if (condition())
            {
                return;
            }

            try
            {
                await next.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"timed out after {wait.TotalSeconds} s waiting until {what}");
            }
        }
    }
}
