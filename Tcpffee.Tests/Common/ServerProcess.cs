using System.Diagnostics;
using System.Globalization;

namespace Tcpffee.Tests.Common;

/// <summary>
/// The built server (<c>dotnet Tcpffee.Server.dll</c>) as a child process, with both outputs captured line by line.
/// The child's environment is the test's own minus every <c>TCPFFEE_*</c> and <c>RUST_LOG</c> variable, plus what the test gives.
/// Short commands use <see cref="RunAsync"/>; a long-running proxy uses <see cref="Start"/>, <see cref="WaitForLineAsync"/>,
/// <see cref="SignalAsync"/> and <see cref="WaitForExitAsync"/>. Disposing kills the process if it still runs.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly object _lock = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly List<Waiter> _waiters = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _commandLine;

    private ServerProcess(ProcessStartInfo startInfo)
    {
        _commandLine = startInfo.FileName + " " + string.Join(' ', startInfo.ArgumentList);
        Process = new Process { StartInfo = startInfo };
        Process.OutputDataReceived += (_, e) => OnLine(ProcessOutput.StandardOutput, e.Data);
        Process.ErrorDataReceived += (_, e) => OnLine(ProcessOutput.StandardError, e.Data);
        Process.Start();
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    /// <summary>The server assembly, copied next to the test assembly by the project reference.</summary>
    public static string ServerDllPath { get; } = Path.Combine(AppContext.BaseDirectory, "Tcpffee.Server.dll");

    /// <summary>The <c>dotnet</c> host that runs the tests, so the server runs on the same runtime.</summary>
    public static string DotnetPath { get; } = FindDotnet();

    public Process Process { get; }

    public int Id => Process.Id;

    /// <summary>Every stdout line received so far, newline-terminated.</summary>
    public string StandardOutput => Join(_stdout);

    /// <summary>Every stderr line received so far, newline-terminated.</summary>
    public string StandardError => Join(_stderr);

    /// <summary>
    /// Starts the server with <paramref name="arguments"/>. <paramref name="environment"/> adds variables to the cleaned
    /// environment; a null value removes one. <paramref name="launcher"/> is a command that runs the server in its
    /// place and keeps its PID (<c>prlimit --nofile=N:N --</c>).
    /// </summary>
    public static ServerProcess Start(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, IReadOnlyList<string>? launcher = null)
    {
        if (!File.Exists(ServerDllPath))
        {
            throw new FileNotFoundException("the server is not built next to the tests", ServerDllPath);
        }

        var command = arguments.Prepend(ServerDllPath).Prepend(DotnetPath).ToList();
        if (launcher is { Count: > 0 })
        {
            command.InsertRange(0, launcher);
        }

        var startInfo = ChildProcessStart.Redirected(command[0], command.Skip(1)).WithCleanEnvironment(environment);
        startInfo.WorkingDirectory = AppContext.BaseDirectory;
        return new ServerProcess(startInfo);
    }

    /// <summary>Runs the server to completion and returns its exit code and outputs; kills it and throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static async Task<ProcessResult> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        await using var process = Start(arguments, environment);
        var exitCode = await process.WaitForExitAsync(timeout).ConfigureAwait(false);
        return new ProcessResult(exitCode, process.StandardOutput, process.StandardError);
    }

    /// <summary>Waits for the process to exit and both outputs to be read to the end; kills it and throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        using var cancellation = new CancellationTokenSource(limit);
        try
        {
            await Process.WaitForExitAsync(cancellation.Token).ConfigureAwait(false);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await KillAndWaitAsync().ConfigureAwait(false);
            throw new TimeoutException($"{_commandLine} did not exit within {limit}; killed it.{System.Environment.NewLine}{Describe()}");
        }

        return Process.ExitCode;
    }

    /// <summary>
    /// Returns the first line of <paramref name="stream"/> (already received or yet to come) that matches <paramref name="predicate"/>.
    /// Throws <see cref="TimeoutException"/> after <paramref name="timeout"/>, or <see cref="InvalidOperationException"/> as soon as
    /// the stream ends without such a line.
    /// </summary>
    public async Task<string> WaitForLineAsync(ProcessOutput stream, Func<string, bool> predicate, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        Waiter waiter;
        lock (_lock)
        {
            var lines = stream == ProcessOutput.StandardOutput ? _stdout : _stderr;
            if (lines.FirstOrDefault(predicate) is { } existing)
            {
                return existing;
            }

            if (ClosedTask(stream).IsCompleted)
            {
                throw new InvalidOperationException($"{stream} ended without the expected line.{System.Environment.NewLine}{Describe()}");
            }

            waiter = new Waiter(stream, predicate);
            _waiters.Add(waiter);
        }

        try
        {
            return await waiter.Line.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_lock)
            {
                _waiters.Remove(waiter);
            }

            throw new TimeoutException($"no matching {stream} line within {limit}.{System.Environment.NewLine}{Describe()}");
        }
    }

    /// <summary>Sends a signal by name (<c>TERM</c>, <c>INT</c>, <c>USR1</c>, <c>KILL</c>…) with <c>kill -s</c>.</summary>
    public async Task SignalAsync(string signal)
    {
        var startInfo = new ProcessStartInfo("kill")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-s");
        startInfo.ArgumentList.Add(signal);
        startInfo.ArgumentList.Add(Id.ToString(CultureInfo.InvariantCulture));
        using var kill = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start kill");
        using var cancellation = new CancellationTokenSource(DefaultTimeout);
        var errors = kill.StandardError.ReadToEndAsync(cancellation.Token);
        await kill.WaitForExitAsync(cancellation.Token).ConfigureAwait(false);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -s {signal} {Id} failed: {await errors.ConfigureAwait(false)}");
        }
    }

    /// <summary>Sends SIGKILL to the process and its children, if it still runs; returns without waiting.</summary>
    public void Kill()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited in between.
        }
    }

    /// <summary>The command line and both outputs so far, for failure messages.</summary>
    public string Describe() =>
        $"{_commandLine}{System.Environment.NewLine}--- stdout ---{System.Environment.NewLine}{StandardOutput}--- stderr ---{System.Environment.NewLine}{StandardError}";

    public override string ToString() => Describe();

    public async ValueTask DisposeAsync()
    {
        await KillAndWaitAsync().ConfigureAwait(false);
        Process.Dispose();
        _ownedEnvironment?.Dispose();
    }

    /// <summary>Kills the process (if it runs) and waits, within <see cref="DefaultTimeout"/>, until it is gone.</summary>
    public async Task KillAndWaitAsync()
    {
        Kill();
        using var cancellation = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await Process.WaitForExitAsync(cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // SIGKILL cannot be ignored; if the process is still there, nothing more can be done here.
        }
    }

    private static string FindDotnet()
    {
        if (System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (System.Environment.ProcessPath is { } processPath
            && Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return processPath;
        }

        return "dotnet";
    }

    private Task ClosedTask(ProcessOutput stream) =>
        stream == ProcessOutput.StandardOutput ? _stdoutClosed.Task : _stderrClosed.Task;

    private void OnLine(ProcessOutput stream, string? line)
    {
        lock (_lock)
        {
            if (line is null)
            {
                foreach (var waiter in _waiters.Where(w => w.Stream == stream).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Line.TrySetException(new InvalidOperationException($"{stream} ended without the expected line.{System.Environment.NewLine}{Describe()}"));
                }

                (stream == ProcessOutput.StandardOutput ? _stdoutClosed : _stderrClosed).TrySetResult();
                return;
            }

            (stream == ProcessOutput.StandardOutput ? _stdout : _stderr).Add(line);
            foreach (var waiter in _waiters.Where(w => w.Stream == stream && w.Predicate(line)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Line.TrySetResult(line);
            }
        }
    }

    private string Join(List<string> lines)
    {
        lock (_lock)
        {
            return string.Concat(lines.Select(l => l + "\n"));
        }
    }

    private sealed record Waiter(ProcessOutput Stream, Func<string, bool> Predicate)
    {
        public TaskCompletionSource<string> Line { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
