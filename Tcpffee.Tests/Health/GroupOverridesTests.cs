using System.Net;
using Microsoft.Extensions.Time.Testing;
using Tcpffee.Configuration;
using Tcpffee.Health;
using Tcpffee.Model;
using Tcpffee.Persistence;
using Tcpffee.Tests.Common;
using Tcpffee.Tests.Health.Support;

namespace Tcpffee.Tests.Health;

/// <summary>The operators' group overrides: applied to routing at once, saved with the health state, committed first in a cluster.</summary>
public sealed class GroupOverridesTests : IDisposable
{
    private static readonly IPEndPoint Backend = new(IPAddress.Loopback, 9);

    private readonly TempDirectory _directory = new();
    private readonly RoutingState _routing = new(TestConfig.Proxy(TestConfig.Group(0, Backend), TestConfig.Group(1, Backend)), new GroupStateRegistry());
    private readonly LogCapture _log = new();

    private string SavePath => _directory.Combine("healthcheck_state");

    public void Dispose()
    {
        _directory.Dispose();
        _log.Dispose();
    }

    private (GroupOverrides Overrides, HealthStateStore Store) Create(IOverrideReplication? replication = null)
    {
        var time = new FakeTimeProvider();
        var store = new HealthStateStore(
            new TcpffeeEnvironment { HealthCheckSavePath = SavePath }, time, new StateSaveFailures(time, _log.CreateLogger<StateSaveFailures>()), _log.CreateLogger<HealthStateStore>());
        return (new GroupOverrides(_routing, store, _log.CreateLogger<GroupOverrides>(), replication), store);
    }

    private IReadOnlyDictionary<int, GroupStatus> Saved()
    {
        HealthStateFile.Load(SavePath, out var error, out var overrides);
        Assert.Null(error);
        return overrides;
    }

    [Theory]
    [InlineData("Draining")]
    [InlineData("Disabled")]
    public void Set_NotUp_AppliedToRoutingAndSavedAtOnce(string statusName)
    {
        var status = Enum.Parse<GroupStatus>(statusName);
        var (overrides, store) = Create();
        using var _ = store;
        overrides.Start();

        overrides.Set(1, status);

        Assert.Equal(status, _routing.Groups.Get(1).Admin);
        Assert.Equal(GroupStatus.Up, _routing.Groups.Get(0).Admin);
        Assert.Equal(new Dictionary<int, GroupStatus> { [1] = status }, overrides.Current);
        Assert.Equal(new Dictionary<int, GroupStatus> { [1] = status }, Saved());
        Assert.Contains(_log.Entries, e => e.Message == $"Group 1: runtime override set to {status} by an operator");
    }

    [Fact]
    public void Set_Up_ClearsTheOverrideAndTheSavedOne()
    {
        var (overrides, store) = Create();
        using var _ = store;
        overrides.Start();
        overrides.Set(1, GroupStatus.Disabled);

        overrides.Set(1, GroupStatus.Up);

        Assert.Equal(GroupStatus.Up, _routing.Groups.Get(1).Admin);
        Assert.Empty(overrides.Current);
        Assert.Empty(Saved());
    }

    [Fact]
    public void Start_SavedOverrides_AppliedToRouting()
    {
        HealthStateFile.Save(SavePath, new Dictionary<HealthCheckIdentity, HealthCheckStatus>(), new Dictionary<int, GroupStatus> { [0] = GroupStatus.Draining });
        var (overrides, store) = Create();
        using var _ = store;

        overrides.Start();

        Assert.Equal(GroupStatus.Draining, _routing.Groups.Get(0).Admin);
        Assert.Equal(new Dictionary<int, GroupStatus> { [0] = GroupStatus.Draining }, overrides.Current);
    }

    [Fact]
    public async Task SetAsync_MajorityOutOfReach_FalseAndNothingChanged()
    {
        var replication = new FakeReplication { Reachable = false };
        var (overrides, store) = Create(replication);
        using var _ = store;
        overrides.Start();

        var set = await overrides.SetAsync(1, GroupStatus.Disabled, CancellationToken.None);

        Assert.Equal(OverrideStatus.NoMajority, set.Status);
        Assert.Equal(GroupStatus.Up, _routing.Groups.Get(1).Admin);
        Assert.Empty(overrides.Current);
        Assert.False(File.Exists(SavePath));
    }

    [Fact]
    public async Task SetAsync_Committed_AppliedAtOnceAndCommittedFirst()
    {
        var replication = new FakeReplication();
        var (overrides, store) = Create(replication);
        using var _ = store;
        overrides.Start();

        var set = await overrides.SetAsync(1, GroupStatus.Draining, CancellationToken.None);

        Assert.Equal(OverrideStatus.Applied, set.Status);
        Assert.Equal([(1, GroupStatus.Draining)], replication.Commits);
        Assert.Equal(GroupStatus.Draining, _routing.Groups.Get(1).Admin);
        Assert.Equal(new Dictionary<int, GroupStatus> { [1] = GroupStatus.Draining }, Saved());
    }

    [Fact]
    public void Start_InACluster_CommittedOverridesReplaceSavedOnesAndAreFollowed()
    {
        HealthStateFile.Save(SavePath, new Dictionary<HealthCheckIdentity, HealthCheckStatus>(), new Dictionary<int, GroupStatus> { [0] = GroupStatus.Draining });
        var replication = new FakeReplication();
        replication.Committed[1] = GroupStatus.Disabled;
        var (overrides, store) = Create(replication);
        using var _ = store;

        overrides.Start();
        var atStart = overrides.Current;
        replication.Committed.Remove(1);
        replication.Committed[0] = GroupStatus.Disabled;
        replication.RaiseChanged();

        Assert.Equal(new Dictionary<int, GroupStatus> { [1] = GroupStatus.Disabled }, atStart);
        Assert.Equal(new Dictionary<int, GroupStatus> { [0] = GroupStatus.Disabled }, overrides.Current);
        Assert.Equal(GroupStatus.Disabled, _routing.Groups.Get(0).Admin);
        Assert.Equal(GroupStatus.Up, _routing.Groups.Get(1).Admin);
        Assert.Equal(new Dictionary<int, GroupStatus> { [0] = GroupStatus.Disabled }, Saved());
    }

    private sealed class FakeReplication : IOverrideReplication
    {
        public event Action? Changed;

        public bool Reachable { get; init; } = true;

        public Dictionary<int, GroupStatus> Committed { get; } = [];

        public List<(int, GroupStatus)> Commits { get; } = [];

        IReadOnlyDictionary<int, GroupStatus> IOverrideReplication.Committed() => new Dictionary<int, GroupStatus>(Committed);

        public Task<bool> CommitAsync(int groupId, GroupStatus status, CancellationToken cancellation)
        {
            if (Reachable)
            {
                Commits.Add((groupId, status));
            }

            return Task.FromResult(Reachable);
        }

        public void RaiseChanged() => Changed?.Invoke();
    }
}
