namespace Tcpffee.Configuration;

/// <summary>Thrown when a configuration does not load; carries every mistake found, not just the first.</summary>
internal sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public ConfigException() : this([]) { }

    public ConfigException(string message) : this([ConfigError.Unplaced("config", message)]) { }

    public ConfigException(string message, Exception innerException) : base(message, innerException)
    {
        Errors = [ConfigError.Unplaced("config", message)];
    }

    public IReadOnlyList<ConfigError> Errors { get; }
}
