using System.Net;
using Tcpffee.Listeners;
using Tcpffee.StickTable;

namespace Tcpffee.Proxy;

/// <summary>Who a client is, once its PROXY header (if expected) and first message (if the key needs it) have been read.</summary>
/// <param name="Client">The client: from the PROXY header when there is one, else the connection's peer.</param>
/// <param name="Destination">The address the client connected to, likewise.</param>
/// <param name="First">What was read from the client and not consumed (all but the PROXY header), the copy's first bytes to send.</param>
/// <param name="Failure">Why the connection must be closed instead, or null.</param>
/// <param name="Slot">The connection's place in its client's count, which the connection gives back when it ends.</param>
internal readonly record struct ClientPreamble(IPEndPoint Client, IPEndPoint Destination, ClientPrefix? First, StickKey Key, ConnectionOutcome? Failure, ClientSlot Slot);
