using Tcpffee.Configuration;

namespace Tcpffee.Cli;

/// <summary>The environment and the configuration file, both validated, as a command starts.</summary>
internal sealed record StartupSettings(TcpffeeEnvironment Environment, TcpffeeConfig Config)
{
    /// <summary>Reads both; on failure writes every mistake to <paramref name="error"/> and returns null.</summary>
    public static StartupSettings? Load(string? configOption, TextWriter error)
    {
        var errors = new List<ConfigError>();
        TcpffeeEnvironment environment;
        try
        {
            environment = TcpffeeEnvironment.FromProcess();
        }
        catch (ConfigException ex)
        {
            errors.AddRange(ex.Errors);
            environment = new TcpffeeEnvironment();
        }

        var path = configOption ?? environment.ConfigPath;
        TcpffeeConfig? config = null;
        try
        {
            config = ConfigLoader.LoadFile(path);
        }
        catch (ConfigException ex)
        {
            errors.AddRange(ex.Errors);
        }

        if (errors.Count == 0 && config is not null)
        {
            return new StartupSettings(environment with { ConfigPath = path }, config);
        }

        foreach (var e in errors)
        {
            error.WriteLine(e);
        }

        error.WriteLine(errors.Count == 1 ? "1 error; the configuration was not loaded" : $"{errors.Count} errors; the configuration was not loaded");
        return null;
    }
}
