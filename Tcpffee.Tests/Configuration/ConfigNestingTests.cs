using Tcpffee.Configuration;

namespace Tcpffee.Tests.Configuration;

/// <summary>Values nested past the bound are a mistake at the bracket that goes too deep, never an exception of another kind.</summary>
public sealed class ConfigNestingTests
{
    private const string Path = "deep.toml";

    /// <summary>The bound the README documents.</summary>
    private const int MaxDepth = 32;

    /// <summary>Three lines of a valid file; row values start on line 4 at column 5 (after <c>x = </c>).</summary>
    private const string Base = "ports = [ 5280 ]\n[groups.0]\nportmap = \"127.0.0.1\"\n";

    public static TheoryData<string, string, int, int> DeepFiles => new()
    {
        // The first bracket past the bound is the 33rd, at column 5 + 32.
        { "10,000 nested arrays", Base + "x = " + new string('[', 10_000) + new string(']', 10_000) + "\n", 4, 37 },
        { "10,000 nested inline tables", Base + "x = " + string.Concat(Enumerable.Repeat("{b = ", 10_000)) + "1" + new string('}', 10_000) + "\n", 4, 5 + (32 * 5) },
        { "100,000 unclosed arrays", Base + "x = " + new string('[', 100_000), 4, 37 },
        { "100,000 brackets and nothing else", new string('[', 100_000), 1, 35 },
        { "arrays of inline tables", Base + "x = " + string.Concat(Enumerable.Repeat("[{a = ", 5_000)), 4, 5 + (16 * 6) },
    };

    [Theory]
    [MemberData(nameof(DeepFiles))]
    public void Parse_NestingPastTheBound_IsAnErrorAtTheBracketThatGoesTooDeep(string shape, string text, int line, int column)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(text, Path));

        var error = Assert.Single(ex.Errors);
        Assert.True(
            error == new ConfigError(Path, line, column, $"arrays and inline tables nest deeper than {MaxDepth} levels"),
            $"{shape}: {error}");
    }

    [Theory]
    [InlineData("x = \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"")]
    [InlineData("x = '{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{'")]
    [InlineData("x = \"\"\"\n[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\"\"")]
    [InlineData("x = '''\n{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{'''")]
    [InlineData("x = 1 # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[")]
    [InlineData("x = \"\\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"")]
    public void Parse_BracketsInStringsAndComments_AreNotNesting(string line)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + line + "\n", Path));

        // Only the unknown key is wrong: the brackets are text.
        var error = Assert.Single(ex.Errors);
        Assert.DoesNotContain("nest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NestingAtTheBound_IsNotANestingError()
    {
        var text = Base + "x = " + new string('[', MaxDepth) + new string(']', MaxDepth) + "\n";

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(text, Path));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("groups.0.x: unknown key", error.Message);
    }

    [Fact]
    public void Parse_TwoValuesPastTheBound_ReportsBoth()
    {
        var deep = new string('[', 40) + new string(']', 40);
        var text = "ports = [ 5280 ]\na = " + deep + "\nb = " + deep + "\n";

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(text, Path));

        Assert.Equal([(2, 37), (3, 37)], ex.Errors.Select(e => (e.Line, e.Column)));
    }
}
