using Tcpffee.Configuration;

namespace Tcpffee.Lifecycle;

/// <summary>Writes the PID file at start and removes it at the very end of shutdown.</summary>
internal sealed partial class PidFileService : IHostedService
{
    private readonly TcpffeeEnvironment _environment;
    private readonly ILogger<PidFileService> _logger;

    public PidFileService(TcpffeeEnvironment environment, ILogger<PidFileService> logger)
    {
        _environment = environment;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Without a PID file only the reload verb is lost; the proxy itself runs fine, so this is a warning.
        if (PidFile.TryWrite(_environment.PidPath) is { } error)
        {
            LogPidFileFailed(_environment.PidPath, error);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        PidFile.TryRemove(_environment.PidPath);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Cannot write the PID file {Path} (set TCPFFEE_PID_PATH): {Reason}")]
    private partial void LogPidFileFailed(string path, string reason);
}
