using System.Reflection;
using System.Security.Cryptography;

namespace Tcpffee.Descriptors;

/// <summary>
/// Does at start, while descriptors are plentiful, the first uses that open a file and whose failure the runtime
/// keeps for the life of the process. An assembly that cannot be opened for lack of descriptors stays unloadable
/// (the binder remembers the failure, and the type loader may abort with "Out of memory."), and a native library
/// whose type initializer failed (OpenSSL, behind the SHA-256 of the stick table file) throws
/// <see cref="TypeInitializationException"/> on every later use: a route or a save first used during a shortage
/// would stay broken after it.
/// </summary>
internal static class FirstUseWarmup
{
    /// <summary>
    /// The OpenAPI generator's schema machinery, which only the first request for the document loads (see
    /// <c>ApiDocumentation</c>): warming it would cost every proxy its memory, and that request, rare and made by a
    /// person, finds descriptors left even during a shortage, since accepts stop short of the limit.
    /// </summary>
    private static readonly HashSet<string> LoadedOnFirstRequest =
        new(["Newtonsoft.Json", "NJsonSchema.NewtonsoftJson", "Namotion.Reflection", "Microsoft.CSharp"], StringComparer.Ordinal);

    /// <summary>Loads every assembly <paramref name="root"/> references, transitively, and binds the native cryptography.</summary>
    /// <returns>The number of assemblies loaded or found loaded.</returns>
    public static int Run(Assembly root)
    {
        var loaded = LoadReferences(root);
        _ = SHA256.HashData(ReadOnlySpan<byte>.Empty);
        return loaded;
    }

    private static int LoadReferences(Assembly root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { root.FullName ?? root.GetName().Name ?? "" };
        var pending = new Stack<Assembly>();
        pending.Push(root);
        while (pending.TryPop(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (LoadedOnFirstRequest.Contains(reference.Name ?? "") || !seen.Add(reference.FullName))
                {
                    continue;
                }

                try
                {
                    pending.Push(Assembly.Load(reference));
                }
                catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    // A reference the app never resolves at run time (a facade for another platform, say): nothing to warm.
                }
            }
        }

        return seen.Count;
    }
}
