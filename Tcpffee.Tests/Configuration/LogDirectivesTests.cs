using Microsoft.Extensions.Logging;
using Tcpffee.Configuration;

namespace Tcpffee.Tests.Configuration;

public sealed class LogDirectivesTests
{
    [Theory]
    [InlineData("off", LogLevel.None)]
    [InlineData("error", LogLevel.Error)]
    [InlineData("warn", LogLevel.Warning)]
    [InlineData("warning", LogLevel.Warning)]
    [InlineData("info", LogLevel.Information)]
    [InlineData("INFO", LogLevel.Information)]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("trace", LogLevel.Trace)]
    [InlineData("error,info", LogLevel.Information)]
    public void TryParse_Level_SetsTheDefault(string text, LogLevel expected)
    {
        Assert.True(LogDirectives.TryParse(text, out var directives, out var error), error);

        Assert.Equal(new LogDirectives(expected, []), directives);
    }

    [Theory]
    [InlineData("Tcpffee.Health=debug", "Tcpffee.Health", LogLevel.Debug)]
    [InlineData("tcpffee::health=debug", "tcpffee.health", LogLevel.Debug)]
    [InlineData("tcpffee::health::http = WARN", "tcpffee.health.http", LogLevel.Warning)]
    [InlineData("tcpffee::proxy", "tcpffee.proxy", LogLevel.Trace)]
    public void TryParse_Category_AddsItWithoutDefault(string text, string category, LogLevel level)
    {
        Assert.True(LogDirectives.TryParse(text, out var directives, out var error), error);

        Assert.Null(directives.Default);
        Assert.Equal(new[] { KeyValuePair.Create(category, level) }, directives.Categories);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" , ")]
    public void TryParse_Nothing_IsEmpty(string text)
    {
        Assert.True(LogDirectives.TryParse(text, out var directives, out var error), error);

        Assert.Equal(LogDirectives.Empty, directives);
    }

    [Theory]
    [InlineData("x=bogus")]
    [InlineData("=debug")]
    [InlineData("info,tcpffee=loud")]
    public void TryParse_BadDirective_FailsNamingIt(string text)
    {
        Assert.False(LogDirectives.TryParse(text, out _, out var error));

        var bad = text.Split(',')[^1];
        Assert.StartsWith($"'{bad}' is not a directive", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ToConfiguration_DefaultAndCategories_BecomeLogLevelKeys()
    {
        Assert.True(LogDirectives.TryParse("warn,tcpffee::health=debug", out var directives, out var error), error);

        Assert.Equal(
            new[]
            {
                KeyValuePair.Create("Logging:LogLevel:Default", (string?)"Warning"),
                KeyValuePair.Create("Logging:LogLevel:tcpffee.health", (string?)"Debug"),
            },
            directives.ToConfiguration());
    }
}
