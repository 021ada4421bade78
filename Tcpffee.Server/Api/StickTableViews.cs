using System.Text;
using Tcpffee.Api.Contracts;
using Tcpffee.StickTable;

namespace Tcpffee.Api;

/// <summary>Builds the API's view of stick table entries.</summary>
internal sealed class StickTableViews
{
    private readonly IStickTable _table;

    public StickTableViews(IStickTable table)
    {
        _table = table;
    }

    public StickTablePageResponse Page(int? group, int offset, int limit)
    {
        var entries = _table.Snapshot().Where(e => group is null || e.GroupId == group).ToList();
        var page = entries
            .OrderBy(e => e.Key.ToString(), StringComparer.Ordinal)
            .Skip(offset)
            .Take(limit)
            .Select(Describe)
            .ToList();
        return new StickTablePageResponse(entries.Count, offset, limit, page);
    }

    public StickEntryResponse? Find(StickKey key) =>
        _table.Snapshot().Where(e => e.Key == key).Select(Describe).FirstOrDefault();

    private StickEntryResponse Describe(StickEntrySnapshot entry)
    {
        var slice = entry.Key.Slice.Span;
        string? text = null;
        string? hex = null;
        if (!slice.IsEmpty)
        {
            hex = Convert.ToHexStringLower(slice);
            if (slice.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7e) < 0)
            {
                text = Encoding.ASCII.GetString(slice);
            }
        }

        // An idle entry's last activity is when its expiration countdown began.
        var lastActivity = entry.ExpiresAt - _table.Expiration;
        return new StickEntryResponse(
            entry.Key.ToString(), entry.Key.Address.ToString(), text, hex, entry.GroupId, entry.OpenConnections, lastActivity, entry.ExpiresAt);
    }
}
