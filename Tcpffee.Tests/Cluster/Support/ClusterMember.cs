using System.Globalization;
using System.Net;
using System.Text.Json;
using Tcpffee.Tests.Api.Support;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Cluster.Support;

/// <summary>
/// One proxy of a test cluster: a server child process on 127.0.0.(index + 1) with its own config file, data directory
/// and state files, and the API calls and client connections the tests make to it. It can be killed and started again
/// on the same files, and paused with SIGSTOP.
/// </summary>
internal sealed class ClusterMember : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;
    private readonly List<ServerProcess> _past = [];
    private readonly string? _log;

    internal ClusterMember(int index, ClusterPorts ports, string directory, string configPath, string? log = null, int? groupId = null)
    {
        _log = log;
        GroupId = groupId;
        Index = index;
        Ports = ports;
        Address = ClusterPorts.NodeAddress(index);
        Directory = directory;
        ConfigPath = configPath;
        Http = new HttpClient
        {
            BaseAddress = new Uri($"http://{Address}:{ports.Stats}/"),

            // A node paused with SIGSTOP must fail a request, not hang the test.
            Timeout = TimeSpan.FromSeconds(5),
        };
    }

    /// <summary>Its position in <c>[[peers]]</c>.</summary>
    public int Index { get; }

    public string Name => $"node {Index + 1} ({Address})";

    public IPAddress Address { get; }

    public ClusterPorts Ports { get; }

    public string Directory { get; }

    /// <summary>Where the node keeps its Raft logs and snapshots (<c>TCPFFEE_DATA_DIR</c>).</summary>
    public string DataDirectory => Path.Combine(Directory, "data");

    /// <summary>The group id the process runs with, when it has one of its own (see <see cref="NetworkCut"/>).</summary>
    public int? GroupId { get; }

    public string ConfigPath { get; }

    public string Mac => MacOf(Index);

    public HttpClient Http { get; }

    /// <summary>The running process (or the last one, once it was killed).</summary>
    public ServerProcess Process => Current ?? throw new InvalidOperationException($"{Name} was never started");

    public IPEndPoint ProxyEndPoint => new(Address, Ports.Proxy);

    /// <summary>How this node appears as a Raft leader of the stick table group in <c>/api/v1/cluster</c>.</summary>
    public string StickTableLogs => new IPEndPoint(Address, Ports.StickTableLogs).ToString();

    public string HealthchecksLogs => new IPEndPoint(Address, Ports.HealthchecksLogs).ToString();

    public bool IsRunning => Current is { } process && !process.Process.HasExited;

    public bool WasStarted => Current is not null;

    private ServerProcess? Current { get; set; }

    /// <summary>The MAC address node <paramref name="index"/> identifies itself with: 02:00:00:00:00:(index + 1).</summary>
    public static string MacOf(int index) => string.Create(CultureInfo.InvariantCulture, $"02:00:00:00:00:{index + 1:x2}");

    /// <summary>The variables that point the node at its own files and tell it which peer it is.</summary>
    public Dictionary<string, string?> Environment(string? mac = null) => new(StringComparer.Ordinal)
    {
        ["TCPFFEE_NODE_MAC"] = mac ?? Mac,
        ["TCPFFEE_CONFIG_PATH"] = ConfigPath,
        ["TCPFFEE_DATA_DIR"] = DataDirectory,
        ["TCPFFEE_PID_PATH"] = Path.Combine(Directory, "tcpffee.pid"),
        ["TCPFFEE_HEALTHCHECK_SAVE_PATH"] = Path.Combine(Directory, "healthcheck_state"),
        ["TCPFFEE_STICK_TABLE_SAVE_PATH"] = Path.Combine(Directory, "stick_table"),
        ["TCPFFEE_LOG"] = _log,

        // Reports, expiry rounds and the health fallback four and two times as often as in production, so that tests of
        // expiry and partitions wait less; elections and the assign timeout stay as shipped.
        ["Tcpffee__Cluster__ReportInterval"] = "00:00:00.250",
        ["Tcpffee__Cluster__FallbackAfter"] = "00:00:00.750",

        // A test's node lives seconds: compiling its busiest methods a second time, optimized, costs it more CPU than it
        // saves (a quarter of the cluster tests' CPU), so its methods keep their first compilation. Same code, same logic.
        ["DOTNET_TC_CallCounting"] = "0",
    };

    /// <summary>Starts the server (no verb: it runs the proxy) with this node's files; see <see cref="WaitStartedAsync"/>.</summary>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running");
        }

        if (Current is not null)
        {
            _past.Add(Current);
        }

        // setpriv execs the server, so the PID, the signals and the exit code stay the server's.
        Current = ServerProcess.Start(
            [], Environment(), GroupId is { } gid ? ["setpriv", string.Create(CultureInfo.InvariantCulture, $"--regid={gid}"), "--clear-groups"] : null);
    }

    /// <summary>Waits for the "started" line; throws <see cref="InvalidOperationException"/> if the process exits first.</summary>
    public Task WaitStartedAsync(TimeSpan? timeout = null) =>
        Process.WaitForLineAsync(ProcessOutput.StandardOutput, ServerProcess.IsStartedLine, timeout ?? TimeSpan.FromSeconds(20));

    /// <summary>SIGKILL, then waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        Process.Kill();
        await Process.WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>SIGSTOP: the process stays, but answers nothing until <see cref="ResumeAsync"/>.</summary>
    public Task PauseAsync() => Process.SignalAsync("STOP");

    public Task ResumeAsync() => Process.SignalAsync("CONT");

    public async Task<ClusterStatus> ClusterAsync() =>
        (await ApiJson.GetAsync(Http, "api/v1/cluster")).Deserialize<ClusterStatus>(Json)!;

    /// <summary>
    /// Waits until this node reports itself in the no-majority fallback, with its stick table group too
    /// (<paramref name="expected"/> true), or out of it (false).
    /// </summary>
    public async Task WaitFallbackAsync(bool expected, TimeSpan timeout)
    {
        var seen = "";
        await Eventually.HoldsAsync(
            async () =>
            {
                var status = await ClusterAsync();
                seen = status.ToString();
                return expected ? status.Fallback && status.StickTable.Fallback : !status.Fallback;
            },
            expected ? $"{Name} reports fallback" : $"{Name} leaves fallback",
            timeout,
            diagnostics: () => $"last seen: {seen}{System.Environment.NewLine}{Tail()}",
            notYet: Eventually.IsRequestFailure);
    }

    public async Task<string> ClusterRoleAsync() => ApiJson.String(await ApiJson.GetAsync(Http, "api/v1/"), "clusterRole");

    public async Task<GroupStatusView> GroupAsync(int id) =>
        (await ApiJson.GetAsync(Http, string.Create(CultureInfo.InvariantCulture, $"api/v1/groups/{id}"))).Deserialize<GroupStatusView>(Json)!;

    /// <summary>The whole stick table as this node's replica has it.</summary>
    public async Task<IReadOnlyList<StickEntryStatus>> StickTableAsync() =>
        (await ApiJson.GetAsync(Http, "api/v1/stick-table?limit=10000")).Deserialize<StickTablePage>(Json)!.Entries;

    /// <summary>The entry of <paramref name="key"/>, or null when this node has none (404).</summary>
    public async Task<StickEntryStatus?> StickEntryAsync(string key)
    {
        using var response = await Http.GetAsync("api/v1/stick-table/" + Uri.EscapeDataString(key));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return (await ApiJson.ReadOkAsync(response, $"GET stick-table/{key} on {Name}")).Deserialize<StickEntryStatus>(Json);
    }

    public async Task<PrometheusText> MetricsAsync()
    {
        using var response = await Http.GetAsync("metrics");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics on {Name}: {(int)response.StatusCode} {body}");
        return PrometheusText.Parse(body);
    }

    /// <summary>A <c>tcpffee_raft_*</c> counter of one Raft group; 0 while it has never been incremented.</summary>
    public async Task<double> RaftCounterAsync(string name, string raftGroup) =>
        (await MetricsAsync()).Value(name, ("raft_group", raftGroup)) ?? 0;

    /// <summary>Connects through this proxy from 127.0.0.<paramref name="source"/> and returns the name of the backend that answered.</summary>
    public async Task<string> AskAsync(int source)
    {
        return await TestClient.WhoAnswersAsync(ProxyEndPoint, source);
    }

    /// <summary>The last <paramref name="lines"/> lines of both outputs, for failure messages.</summary>
    public string Tail(int lines = 40)
    {
        if (Current is null)
        {
            return $"== {Name}: not started";
        }

        static string Last(string text, int count) => string.Join('\n', text.Split('\n').TakeLast(count + 1));
        return $"== {Name}, PID {Current.Id}{(Current.Process.HasExited ? $", exited with {Current.Process.ExitCode}" : "")}\n"
            + $"-- stdout (last {lines} lines)\n{Last(Current.StandardOutput, lines)}\n-- stderr\n{Last(Current.StandardError, lines)}";
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (Current is not null)
        {
            // SIGKILL ends a paused process as well.
            await Current.DisposeAsync();
        }

        foreach (var process in _past)
        {
            await process.DisposeAsync();
        }
    }
}
