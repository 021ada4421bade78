using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Transparent.Support;

/// <summary>
/// A long-running process inside a network namespace (<c>ip netns exec NS command…</c>, which execs the command in place),
/// with both outputs captured line by line. Disposing kills it and its children.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class NetnsProcess : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _commandLine;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private NetnsProcess(ProcessStartInfo startInfo, bool closeInput)
    {
        _commandLine = Command.Describe(startInfo.FileName, startInfo.ArgumentList);
        Process = new Process { StartInfo = startInfo };
        Process.OutputDataReceived += (_, e) => OnLine(_stdout, _stdoutClosed, e.Data);
        Process.ErrorDataReceived += (_, e) => OnLine(_stderr, _stderrClosed, e.Data);
        Process.Start();
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
        if (closeInput)
        {
            Process.StandardInput.Close();
        }
    }

    public Process Process { get; }

    public string StandardOutput => Join(_stdout);

    public string StandardError => Join(_stderr);

    /// <summary>
    /// Starts <paramref name="command"/> in namespace <paramref name="ns"/>. The environment is the test's own without
    /// <c>TCPFFEE_*</c> and <c>RUST_LOG</c>, plus <paramref name="environment"/>. With <paramref name="closeInput"/>, standard input is at its end at once.
    /// </summary>
    public static NetnsProcess Start(string ns, IEnumerable<string> command, IReadOnlyDictionary<string, string>? environment = null, bool closeInput = true)
    {
        var startInfo = ChildProcessStart.Redirected("ip", new[] { "netns", "exec", ns }.Concat(command))
            .WithCleanEnvironment(environment?.Select(e => KeyValuePair.Create(e.Key, (string?)e.Value)));
        return new NetnsProcess(startInfo, closeInput);
    }

    /// <summary>Waits for a line of standard output (or error, with <paramref name="error"/>) that matches; fails at once if the stream ends without one.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, string what, bool error = false, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        using var cancellation = new CancellationTokenSource(limit);
        var lines = error ? _stderr : _stdout;
        var closed = error ? _stderrClosed : _stdoutClosed;
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (lines.FirstOrDefault(predicate) is { } line)
                {
                    return line;
                }

                if (closed.Task.IsCompleted)
                {
                    throw new InvalidOperationException($"{what}: the output ended without it.{Environment.NewLine}{Describe()}");
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{what}: not within {limit.TotalSeconds} s.{Environment.NewLine}{Describe()}");
            }
        }
    }

    /// <summary>Waits for the process to exit and its outputs to be read to the end.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        using var cancellation = new CancellationTokenSource(limit);
        try
        {
            await Process.WaitForExitAsync(cancellation.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cancellation.Token);
            return Process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"did not exit within {limit.TotalSeconds} s; killed it.{Environment.NewLine}{Describe()}");
        }
    }

    /// <summary>Sends a signal by name to this process (not its children) with <c>kill -s</c>.</summary>
    public Task SignalAsync(string signal) => Command.CheckAsync("kill", "-s", signal, Process.Id.ToString(CultureInfo.InvariantCulture));

    public void Kill()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone in between.
        }
    }

    public string Describe() =>
        $"{_commandLine}{Environment.NewLine}--- stdout ---{Environment.NewLine}{StandardOutput}--- stderr ---{Environment.NewLine}{StandardError}";

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Kill();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await Process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGKILL was sent; nothing more to do.
        }

        Process.Dispose();
    }

    private void OnLine(List<string> lines, TaskCompletionSource closed, string? line)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (line is null)
            {
                closed.TrySetResult();
            }
            else
            {
                lines.Add(line);
            }

            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private string Join(List<string> lines)
    {
        lock (_lock)
        {
            return string.Concat(lines.Select(l => l + "\n"));
        }
    }
}
