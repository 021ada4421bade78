namespace Tcpffee.Dashboard;

/// <summary>One file of the dashboard, read from the assembly once: its bytes and its content type.</summary>
internal sealed record DashboardAsset(string Name, string ContentType, byte[] Content)
{
    /// <summary>The prefix of the dashboard's logical resource names (set in the project file).</summary>
    public const string ResourcePrefix = "Tcpffee.Dashboard.wwwroot.";

    public static DashboardAsset Load(string name, string contentType)
    {
        using var stream = typeof(DashboardAsset).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The dashboard file {name} is not embedded in the server assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new DashboardAsset(name, contentType, copy.ToArray());
    }
}
