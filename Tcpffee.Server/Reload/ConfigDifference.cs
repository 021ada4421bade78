using Tcpffee.Configuration;

namespace Tcpffee.Reload;

/// <summary>Which groups a reload adds, removes or changes, for the one line that says what a reload did.</summary>
internal static class ConfigDifference
{
    public static string DescribeGroups(TcpffeeConfig before, TcpffeeConfig after)
    {
        var old = before.Groups.ToDictionary(g => g.Id);
        var @new = after.Groups.ToDictionary(g => g.Id);
        var added = @new.Keys.Where(id => !old.ContainsKey(id)).Order().ToList();
        var removed = old.Keys.Where(id => !@new.ContainsKey(id)).Order().ToList();
        var changed = @new.Keys.Where(id => old.TryGetValue(id, out var g) && !g.Equals(@new[id])).Order().ToList();
        return $"groups added [{string.Join(", ", added)}], removed [{string.Join(", ", removed)}], changed [{string.Join(", ", changed)}]";
    }
}
