using System.Text.Json;
using Tcpffee.Tests.Common;

namespace Tcpffee.Tests.Functional;

/// <summary><c>TCPFFEE_LOG_FORMAT=json</c>: every line a run writes is one JSON object, with the messages' fields.</summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task Run_JsonFormat_EveryLineIsAnObjectAndTheConnectionLineCarriesItsFields()
    {
        await using var alpha = NamedBackend.Start("alpha");
        await using var server = await ServerProcess.StartWithConfigAsync(
            1,
            p => TestConfig.TomlHeader() + $"ports = [ {p[0]} ]\n[groups.0.portmap]\n{p[0]} = \"{alpha.EndPoint}\"\n",
            variables: [("TCPFFEE_LOG_FORMAT", "json")]);

        Assert.Equal("alpha", await TestClient.WhoAnswersAsync(server.Ports[0], 2, "hello"u8.ToArray()));
        var closed = await server.WaitForLineAsync(ProcessOutput.StandardOutput, l => l.Contains("\"EventId\":2001,", StringComparison.Ordinal));
        await server.SignalAsync("TERM");
        Assert.Equal(0, await server.WaitForExitAsync());

        var lines = server.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("\"EventId\":1,", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            using var parsed = JsonDocument.Parse(line);
            var root = parsed.RootElement;
            Assert.True(DateTimeOffset.TryParse(root.GetProperty("Timestamp").GetString(), out _), line);
            Assert.False(string.IsNullOrEmpty(root.GetProperty("LogLevel").GetString()), line);
            Assert.StartsWith("Tcpffee", root.GetProperty("Category").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Number, root.GetProperty("EventId").ValueKind);
            Assert.False(string.IsNullOrEmpty(root.GetProperty("Message").GetString()), line);
        }

        using var connection = JsonDocument.Parse(closed);
        var state = connection.RootElement.GetProperty("State");
        Assert.StartsWith("127.0.0.2:", state.GetProperty("Client").GetString(), StringComparison.Ordinal);
        Assert.Equal("127.0.0.2", state.GetProperty("Key").GetString());
        Assert.Equal(0, state.GetProperty("Group").GetInt32());
        Assert.Equal(alpha.EndPoint.ToString(), state.GetProperty("Backend").GetString());
        Assert.Equal(5, state.GetProperty("BytesUp").GetInt64());
        Assert.Equal("alpha\n".Length + 5, state.GetProperty("BytesDown").GetInt64());
        Assert.True(state.GetProperty("DurationMs").GetDouble() > 0);
        Assert.Equal("Closed", state.GetProperty("Outcome").GetString());
    }
}
