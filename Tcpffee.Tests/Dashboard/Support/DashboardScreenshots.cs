namespace Tcpffee.Tests.Dashboard.Support;

/// <summary>Where the dashboard tests leave their screenshots: <c>TestResults/dashboard/</c> at the repository root.</summary>
internal static class DashboardScreenshots
{
    public static string Directory { get; } = Find();

    public static string PathOf(string name) => Path.Combine(Directory, name + ".png");

    private static string Find()
    {
        // The test assembly runs from Tcpffee.Tests/bin/...; the repository root is the folder holding the solution.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Tcpffee.sln")))
            {
                return System.IO.Directory.CreateDirectory(Path.Combine(directory.FullName, "TestResults", "dashboard")).FullName;
            }
        }

        return System.IO.Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard")).FullName;
    }
}
