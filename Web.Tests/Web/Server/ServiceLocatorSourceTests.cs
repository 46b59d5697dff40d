using Clap2Diffusion.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Clap2Diffusion.Tests.Web.Server;

/// <summary>
/// The server's classes take what they need in their constructors. A class that asks a service provider for an
/// optional service grows a branch for its absence that only a test can reach; the test factory replaces
/// services instead.
/// </summary>
public sealed class ServiceLocatorSourceTests
{
    [Fact]
    public void No_server_class_looks_up_an_optional_service_or_takes_the_service_provider()
    {
        var separator = Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(Path.Combine(SharedData.RepositoryRoot, "Web.Server"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{separator}obj{separator}") && !f.Contains($"{separator}bin{separator}")).ToList();
        var found = new List<string>();
        foreach (var file in files)
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            var where = Path.GetRelativePath(SharedData.RepositoryRoot, file);
            found.AddRange(root.DescendantNodes().OfType<InvocationExpressionSyntax>()
                .Where(call => Name(call.Expression) is "GetService")
                .Select(call => $"{where}:{call.GetLocation().GetLineSpan().StartLinePosition.Line + 1} calls GetService"));
            found.AddRange(root.DescendantNodes().OfType<ParameterSyntax>()
                .Where(parameter => parameter.Parent?.Parent is TypeDeclarationSyntax or ConstructorDeclarationSyntax)
                .Where(parameter => parameter.Type?.ToString() is "IServiceProvider" or "System.IServiceProvider")
                .Select(parameter => $"{where}:{parameter.GetLocation().GetLineSpan().StartLinePosition.Line + 1} takes the service provider"));
        }

        Assert.True(files.Count > 50, $"only {files.Count} server files found");
        Assert.Empty(found);
    }

    private static string? Name(ExpressionSyntax expression) => expression switch
    {
        MemberAccessExpressionSyntax member => member.Name.Identifier.Text,
        GenericNameSyntax generic => generic.Identifier.Text,
        IdentifierNameSyntax identifier => identifier.Identifier.Text,
        _ => null,
    };
}
