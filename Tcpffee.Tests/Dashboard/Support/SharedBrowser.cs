namespace Tcpffee.Tests.Dashboard.Support;

/// <summary>The dashboard tests on one host each; they share one browser, launched once.</summary>
[CollectionDefinition(Name)]
public sealed class SharedBrowser : ICollectionFixture<DashboardBrowser>
{
    public const string Name = "Dashboard";
}
