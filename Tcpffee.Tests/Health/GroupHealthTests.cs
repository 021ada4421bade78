using Tcpffee.Configuration;
using Tcpffee.Health;
using Tcpffee.Model;

namespace Tcpffee.Tests.Health;

public sealed class GroupHealthTests
{
    /// <summary>Each check is written "Action:up" or "Action:down", separated by spaces; an empty string is no checks.</summary>
    [Theory]
    [InlineData("", "Up")]
    [InlineData("Draining:up", "Up")]
    [InlineData("Disabled:up Draining:up", "Up")]
    [InlineData("Draining:down", "Draining")]
    [InlineData("Disabled:down", "Disabled")]
    [InlineData("Up:down", "Up")]
    [InlineData("Up:down Up:down", "Up")]
    [InlineData("Up:down Draining:down", "Draining")]
    [InlineData("Draining:down Disabled:down", "Disabled")]
    [InlineData("Disabled:down Draining:down", "Disabled")]
    [InlineData("Disabled:up Draining:down", "Draining")]
    [InlineData("Disabled:down Draining:up Up:down", "Disabled")]
    public void Of_Checks_IsTheMostSevereFallActionOfTheDownChecks(string checks, string expected)
    {
        var parsed = checks.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.Split(':'))
            .Select(p => (Enum.Parse<FallAction>(p[0]), p[1] == "up"))
            .ToList();

        Assert.Equal(Enum.Parse<GroupStatus>(expected), GroupHealth.Of(parsed));
    }
}
