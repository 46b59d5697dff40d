using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Lifetimes;

/// <summary>
/// Compiles C# source with a full semantic model, against the framework and TorchSharp as this test process loaded
/// them, so an operator or a conversion binds exactly as it does in the real build.
/// </summary>
public static class EngineSources
{
    /// <summary>The SDK's implicit usings (ImplicitUsings=enable in Directory.Build.props), which live in obj/ otherwise.</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    /// <summary>Our own assemblies: the engine's types must come from the sources compiled here, not its built copy.</summary>
    private static readonly string[] OwnAssemblies = ["Web.Engine", "Web.Server", "Web.Client", "Web.Tests", "LoadTest"];

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(LoadReferences);

    public static string EngineFolder => Path.Combine(SharedData.RepositoryRoot, "Web.Engine");

    /// <summary>All of Web.Engine's .cs files (build outputs excluded), compiled as one assembly.</summary>
    public static Compilation CompileEngine()
    {
        var separator = Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(EngineFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{separator}obj{separator}") && !f.Contains($"{separator}bin{separator}"))
            .Order(StringComparer.Ordinal);
        return Compile(files.Select(f => (f, File.ReadAllText(f))));
    }

    public static Compilation Compile(IEnumerable<(string Path, string Text)> sources)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, options, s.Path))
            .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, options, "ImplicitUsings.g.cs"));
        return CSharpCompilation.Create("Web.Engine", trees, References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    private static IReadOnlyList<MetadataReference> LoadReferences()
    {
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES"))?.Split(Path.PathSeparator)
            ?? throw new InvalidOperationException("The test host lists no trusted platform assemblies.");
        var besideTests = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll");
        return trusted.Concat(besideTests)
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Where(path => !OwnAssemblies.Contains(Path.GetFileNameWithoutExtension(path)) && IsManaged(path))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
    }

    private static bool IsManaged(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        return reader.HasMetadata;
    }
}
