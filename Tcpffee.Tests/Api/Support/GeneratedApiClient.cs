using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;
using Xunit.Sdk;

namespace Tcpffee.Tests.Api.Support;

/// <summary>
/// A C# client generated with NSwag from an OpenAPI document, compiled in memory with Roslyn against the running
/// runtime's own assemblies, and loaded into a collectible load context that <see cref="Dispose"/> unloads.
/// </summary>
internal sealed class GeneratedApiClient : IDisposable
{
    public const string Namespace = "Tcpffee.GeneratedClient";
    public const string ClassName = "TcpffeeApiClient";

    private readonly AssemblyLoadContext _context;

    private GeneratedApiClient(string code, AssemblyLoadContext context, Assembly assembly)
    {
        Code = code;
        _context = context;
        Assembly = assembly;
        ClientType = Type(ClassName);
        ExceptionType = Type("ApiException");
    }

    /// <summary>The generated source, for failure messages.</summary>
    public string Code { get; }

    public Assembly Assembly { get; }

    /// <summary>The generated client class.</summary>
    public Type ClientType { get; }

    /// <summary>The generated exception every non-success answer is thrown as (the typed ones derive from it).</summary>
    public Type ExceptionType { get; }

    /// <summary>Generates, compiles and loads the client for <paramref name="documentJson"/>; fails with the compiler's errors.</summary>
    public static async Task<GeneratedApiClient> GenerateAsync(string documentJson)
    {
        var document = await OpenApiDocument.FromJsonAsync(documentJson);
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = ClassName,
            UseBaseUrl = true,
            GenerateClientInterfaces = false,
            // One class with a method per operation id, so the method names are exactly the document's operation ids.
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
        };
        settings.CSharpGeneratorSettings.Namespace = Namespace;
        settings.CSharpGeneratorSettings.JsonLibrary = CSharpJsonLibrary.SystemTextJson;
        settings.CSharpGeneratorSettings.GenerateNullableReferenceTypes = true;
        var code = new CSharpClientGenerator(document, settings).GenerateFile();

        var image = Compile(code);
        var context = new AssemblyLoadContext("tcpffee-generated-client", isCollectible: true);
        using var stream = new MemoryStream(image);
        return new GeneratedApiClient(code, context, context.LoadFromStream(stream));
    }

    /// <summary>A new client that sends its requests with <paramref name="http"/> to the base URL the document names.</summary>
    public dynamic Create(HttpClient http) =>
        Activator.CreateInstance(ClientType, http) ?? throw new InvalidOperationException($"could not create {ClassName}");

    /// <summary>A new client of <paramref name="baseUrl"/> that sends its requests with <paramref name="http"/>.</summary>
    public dynamic Create(Uri baseUrl, HttpClient http)
    {
        var client = Create(http);
        client.BaseUrl = baseUrl.ToString();
        return client;
    }

    /// <summary>A generated type, by its name in <see cref="Namespace"/>.</summary>
    public Type Type(string name) =>
        Assembly.GetType($"{Namespace}.{name}") ?? throw new XunitException($"the generated code has no type {name}; it has: "
            + string.Join(", ", Assembly.GetExportedTypes().Select(t => t.Name).Order(StringComparer.Ordinal)));

    /// <summary>
    /// Awaits <paramref name="call"/>, which must fail with the generated exception for <paramref name="status"/>; returns it.
    /// </summary>
    public async Task<dynamic> ExpectErrorAsync(Func<Task> call, int status, string what)
    {
        try
        {
            await call();
        }
        catch (Exception ex) when (ExceptionType.IsInstanceOfType(ex))
        {
            dynamic error = ex;
            Assert.True((int)error.StatusCode == status, $"{what}: expected {status}, got {(int)error.StatusCode}: {error.Response}");
            return error;
        }

        throw new XunitException($"{what}: expected the generated {ExceptionType.Name} with status {status}, but the call succeeded");
    }

    public void Dispose() => _context.Unload();

    private static byte[] Compile(string code)
    {
        var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create(
            "Tcpffee.GeneratedClient",
            [tree],
            RuntimeReferences(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            var lines = code.Split('\n');
            var message = new StringBuilder("the generated client does not compile:");
            foreach (var error in result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
            {
                var line = error.Location.GetLineSpan().StartLinePosition.Line;
                message.Append(Environment.NewLine).Append(error).Append(Environment.NewLine)
                    .Append("    ").Append(line < lines.Length ? lines[line].Trim() : "");
            }

            throw new XunitException(message.ToString());
        }

        return image.ToArray();
    }

    /// <summary>The assemblies of the runtime this test runs on (not the test's own dependencies): all a generated client may use.</summary>
    private static List<MetadataReference> RuntimeReferences()
    {
        var runtime = Path.TrimEndingDirectorySeparator(RuntimeEnvironment.GetRuntimeDirectory());
        var trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return
        [
            .. trusted.Split(Path.PathSeparator)
                .Where(p => string.Equals(Path.GetDirectoryName(p), runtime, StringComparison.Ordinal) && p.EndsWith(".dll", StringComparison.Ordinal))
                .Select(p => MetadataReference.CreateFromFile(p)),
        ];
    }
}
