using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tcpffee.Cli;
using Tcpffee.Configuration;
using Tcpffee.Hosting;

namespace Tcpffee.Demo;

/// <summary><c>demo</c>: two named backends and the proxy in one process, from an embedded config, to see stickiness at once.</summary>
internal static class DemoCommand
{
    public const int DefaultPort = 5280;
    public const int DefaultStatsPort = 2340;

    public static async Task<int> RunAsync(int proxyPort, int statsPort, CancellationToken cancellation)
    {
        await using var alpha = new DemoBackend("alpha");
        await using var bravo = new DemoBackend("bravo");
        var state = Directory.CreateTempSubdirectory("tcpffee-demo-");
        var config = ConfigLoader.Parse(ConfigText(proxyPort, statsPort, alpha, bravo), "demo.toml (embedded)");
        TcpffeeEnvironment environment;
        try
        {
            environment = TcpffeeEnvironment.FromProcess() with
            {
                ConfigPath = "demo.toml (embedded)",
                PidPath = Path.Combine(state.FullName, "tcpffee.pid"),
                HealthCheckSavePath = Path.Combine(state.FullName, "healthcheck_state"),
                StickTableSavePath = Path.Combine(state.FullName, "stick_table"),
                DataDir = state.FullName,
            };
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }

        var app = TcpffeeHost.Build(new StartupSettings(environment, config), configure: null);
        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.StartAsync(cancellation).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync(
                    $"tcpffee demo: cannot start: {ex.Message}\nAre ports {proxyPort} and {statsPort} free? Choose others with --port and --stats-port.").ConfigureAwait(false);
                return 1;
            }

            await ShowStickinessAsync(proxyPort, statsPort, alpha, bravo).ConfigureAwait(false);

            // Ctrl+C (SIGINT) or SIGTERM stops the host, which drains like the real server.
            await app.WaitForShutdownAsync(cancellation).ConfigureAwait(false);
        }

        state.Delete(recursive: true);
        return 0;
    }

    private static string ConfigText(int proxyPort, int statsPort, DemoBackend alpha, DemoBackend bravo)
    {
        using var stream = typeof(DemoCommand).Assembly.GetManifestResourceStream("Tcpffee.Demo.demo.toml")
            ?? throw new InvalidOperationException("The embedded demo configuration is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd()
            .Replace("{PROXY_PORT}", proxyPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{STATS_PORT}", statsPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{ALPHA_PORT}", alpha.EndPoint.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{BRAVO_PORT}", bravo.EndPoint.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>Connects from four loopback addresses, three times each, and prints which backend answered.</summary>
    private static async Task ShowStickinessAsync(int proxyPort, int statsPort, DemoBackend alpha, DemoBackend bravo)
    {
        var output = new StringBuilder();
        output.AppendLine(CultureInfo.InvariantCulture, $"""

            tcpffee demo: the proxy listens on 127.0.0.1:{proxyPort} and sticks each client to one of two groups:
              group 0 -> backend "alpha" on {alpha.EndPoint}
              group 1 -> backend "bravo" on {bravo.EndPoint}

            Every loopback address 127.0.0.N is a different client. Three connections from each:
            """);
        for (var client = 2; client <= 5; client++)
        {
            var source = IPAddress.Parse($"127.0.0.{client}");
            var answers = new List<string>();
            for (var attempt = 0; attempt < 3; attempt++)
            {
                answers.Add(await AskAsync(source, proxyPort).ConfigureAwait(false));
            }

            output.AppendLine(CultureInfo.InvariantCulture, $"  from {source,-10} -> {string.Join(", ", answers)}");
        }

        output.AppendLine(CultureInfo.InvariantCulture, $"""

            Each client gets the same backend every time; new clients go to the group with fewer clients.
            Try it yourself (curl's --interface picks the client address):
              curl --interface 127.0.0.2 http://127.0.0.1:{proxyPort}/
              curl --interface 127.0.0.9 http://127.0.0.1:{proxyPort}/
            The dashboard: http://127.0.0.1:{statsPort}/dashboard/
            The health of the proxy: curl http://127.0.0.1:{statsPort}/healthz
            Press Ctrl+C to stop.
            """);
        await Console.Out.WriteAsync(output.ToString()).ConfigureAwait(false);
    }

    private static async Task<string> AskAsync(IPAddress source, int proxyPort)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxyPort)).ConfigureAwait(false);
            await socket.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray(), SocketFlags.None).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
            var reply = new MemoryStream();
            var buffer = new byte[1024];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false)) > 0)
            {
                reply.Write(buffer, 0, read);
            }

            var text = Encoding.ASCII.GetString(reply.ToArray());
            var marker = text.IndexOf("backend ", StringComparison.Ordinal);
            return marker < 0 ? "(no answer)" : text[(marker + "backend ".Length)..].Trim();
        }
        catch (SocketException ex)
        {
            return $"(error: {ex.SocketErrorCode})";
        }
    }
}
