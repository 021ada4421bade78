using Microsoft.Extensions.Time.Testing;
using Tcpffee.Configuration;
using Tcpffee.Health;
using Tcpffee.Model;
using Tcpffee.Persistence;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Health.Support;

/// <summary>
/// A <see cref="HealthMonitor"/> on a fake clock, with real routing state and a save file in a temp directory.
/// Probes are real socket operations, so each step moves the clock and then waits until every check has recorded.
/// </summary>
internal sealed class MonitorHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private bool _started;
    private bool _firstStepDone;

    public MonitorHarness(TcpffeeConfig config, TempDirectory? directory = null)
    {
        Directory = directory ?? new TempDirectory();
        OwnsDirectory = directory is null;
        Routing = new RoutingState(config, new GroupStateRegistry());
        Store = new HealthStateStore(
            new TcpffeeEnvironment { HealthCheckSavePath = SavePath }, Time, new StateSaveFailures(Time, Log.CreateLogger<StateSaveFailures>()), Log.CreateLogger<HealthStateStore>());
        Overrides = new GroupOverrides(Routing, Store, Log.CreateLogger<GroupOverrides>());
        Probes = new ProbeRunner(Time, Log.CreateLogger<ProbeRunner>());
        Monitor = new HealthMonitor(
            Routing,
            new CheckScheduler(Time),
            Probes,
            new RiseFallCounter(TestMetrics.Create(), Log.CreateLogger<RiseFallCounter>()),
            new GroupHealthUpdater(Routing, Log.CreateLogger<GroupHealthUpdater>()),
            Store,
            Overrides,
            Log.CreateLogger<HealthMonitor>());
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public TempDirectory Directory { get; }

    public string SavePath => Directory.Combine("healthcheck_state");

    public RoutingState Routing { get; }

    public HealthMonitor Monitor { get; }

    public HealthStateStore Store { get; }

    public GroupOverrides Overrides { get; }

    public ProbeRunner Probes { get; }

    /// <summary>What the monitor and its parts logged.</summary>
    public LogCapture Log { get; } = new();

    private bool OwnsDirectory { get; }

    public async Task StartAsync()
    {
        await Monitor.StartAsync(CancellationToken.None);
        _started = true;
    }

    public GroupState Group(int id) => Routing.Groups.Get(id);

    public RunningCheck Check(int group, int index = 0) =>
        Monitor.Checks.SingleOrDefault(c => c.Identity.GroupId == group && c.Identity.Index == index)
        ?? throw new InvalidOperationException($"no running check {group}/{index}: {Describe()}");

    /// <summary>
    /// Runs one probe of every running check: the first call moves the clock past the start jitter, later calls by
    /// one interval (every check of a test shares its interval). Returns once every check has recorded a new result.
    /// </summary>
    public async Task ProbeAllAsync()
    {
        var checks = Monitor.Checks;
        var interval = checks.Select(c => c.Config.Interval).Distinct().Single();
        var before = checks.Select(c => c.Status).ToList();
        if (!_firstStepDone)
        {
            // The start jitter is below a tenth of the interval and at most 1 s.
            Time.Advance(TimeSpan.FromTicks(Math.Min(interval.Ticks / 10, TimeSpan.TicksPerSecond)));
            _firstStepDone = true;
        }
        else
        {
            Time.Advance(interval);
        }

        await Eventually.HoldsAsync(
            () => checks.Select((c, i) => !ReferenceEquals(c.Status, before[i])).All(changed => changed),
            "every check to record a probe after the clock moved to {Time.GetUtcNow():O}", diagnostics: () => $"{Describe()}");
        Settle();
    }

    /// <summary>
    /// Waits until the monitor has finished recording: a check's new status is visible just before the monitor updates
    /// its group and saves, all under the monitor's lock, which reading <see cref="HealthMonitor.Checks"/> also takes.
    /// </summary>
    public void Settle() => _ = Monitor.Checks;

    /// <summary>Runs <paramref name="count"/> probes of every check, one after the other.</summary>
    public async Task ProbeAllAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await ProbeAllAsync();
        }
    }

    public string Describe() =>
        string.Join("; ", Monitor.Checks.Select(c => $"{c.Identity} {c.Status}"))
        + $"; groups: {string.Join(", ", Routing.Current.Config.Groups.Select(g => $"{g.Id}={Group(g.Id).Health}"))}"
        + $"{Environment.NewLine}log:{Environment.NewLine}{Log}";

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await Monitor.StopAsync(timeout.Token);
        }

        Monitor.Dispose();
        Overrides.Dispose();
        Probes.Dispose();
        Store.Dispose();
        if (OwnsDirectory)
        {
            Directory.Dispose();
        }
    }
}
