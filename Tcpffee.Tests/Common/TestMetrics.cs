using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Tcpffee.Diagnostics;

namespace Tcpffee.Tests.Common;

/// <summary>Real metrics instruments for components built by hand in tests, from the framework's own meter factory.</summary>
internal static class TestMetrics
{
    private static readonly IMeterFactory Meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    public static ProxyMetrics Create() => new(Meters);
}
