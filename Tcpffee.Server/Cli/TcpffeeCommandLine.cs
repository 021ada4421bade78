using Tcpffee.Demo;
using System.CommandLine;

namespace Tcpffee.Cli;

/// <summary>The <c>Tcpffee.Server</c> command line: run the proxy (no verb), <c>check-config</c>, <c>reload</c>, <c>demo</c>.</summary>
internal static class TcpffeeCommandLine
{
    public static RootCommand Create()
    {
        var config = new Option<string?>("--config", "-c")
        {
            Description = "Path to the TOML configuration file (default: $TCPFFEE_CONFIG_PATH, else /etc/tcpffee/tcpffee.toml)",
            Recursive = true,
        };

        var root = new RootCommand("tcpffee: a sticky TCP load balancer. With no command, runs the proxy.");
        root.Options.Add(config);
        root.SetAction((result, cancellation) => RunCommand.RunAsync(result.GetValue(config), cancellation));

        var check = new Command("check-config", "Validate the configuration and the environment, print every mistake, exit 0 if valid and 1 if not.");
        check.SetAction(result => CheckConfigCommand.Run(result.GetValue(config), Console.Out, Console.Error));
        root.Subcommands.Add(check);

        var reload = new Command("reload", "Validate the configuration, then send SIGUSR1 to the running tcpffee named in the PID file ($TCPFFEE_PID_PATH).");
        reload.SetAction(result => ReloadCommand.Run(result.GetValue(config), Console.Out, Console.Error));
        root.Subcommands.Add(reload);

        var demoPort = new Option<int>("--port") { Description = "Port the demo proxy listens on", DefaultValueFactory = _ => DemoCommand.DefaultPort };
        var demoStatsPort = new Option<int>("--stats-port") { Description = "Port of the demo's stats endpoint", DefaultValueFactory = _ => DemoCommand.DefaultStatsPort };
        var demo = new Command("demo", "Run the proxy with two named backends on loopback, from an embedded config, and show stickiness.");
        demo.Options.Add(demoPort);
        demo.Options.Add(demoStatsPort);
        demo.SetAction((result, cancellation) => DemoCommand.RunAsync(result.GetValue(demoPort), result.GetValue(demoStatsPort), cancellation));
        root.Subcommands.Add(demo);

        return root;
    }
}
