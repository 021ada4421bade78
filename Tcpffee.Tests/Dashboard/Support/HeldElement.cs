using PuppeteerSharp;

namespace Tcpffee.Tests.Dashboard.Support;

/// <summary>
/// An element of the page taken at one moment, as a pointer pressed then: whether the page still draws that very
/// element later, and a click on it.
/// </summary>
internal sealed class HeldElement(IElementHandle element, string selector)
{
    /// <summary>Whether the element is still in the document and still the one <c>selector</c> matches.</summary>
    public Task<bool> StillDrawnAsync() =>
        element.EvaluateFunctionAsync<bool>("(el, s) => el.isConnected && el === document.querySelector(s)", selector);

    public Task ClickAsync() => element.ClickAsync();
}
