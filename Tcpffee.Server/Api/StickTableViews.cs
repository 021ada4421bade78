using System.Text;
using Tcpffee.Api.Contracts;
using Tcpffee.StickTable;

namespace Tcpffee.Api;

/// <summary>Builds the API's view of stick table entries.</summary>
internal sealed class StickTableViews
{
    private readonly IStickTableAdmin _table;

    public StickTableViews(IStickTableAdmin table)
    {
        _table = table;
    }

    public StickTablePageResponse Page(int? group, int offset, int limit)
    {
        var page = _table.Page(group, offset, limit);
        return new StickTablePageResponse(page.Total, offset, limit, page.Entries.Select(Describe).ToList());
    }

    public StickEntryResponse? Find(StickKey key) => _table.Find(key) is { } entry ? Describe(entry) : null;

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
