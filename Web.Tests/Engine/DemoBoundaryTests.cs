using System.Text.RegularExpressions;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine;

/// <summary>
/// The demo is a feature folder the core does not know: nothing in Web.Engine outside <c>Web.Engine/Demo/</c>,
/// nor in Web.Server or Web.Client, names the <c>Clap2Diffusion.Engine.Demo</c> namespaces, by a using directive
/// or by a qualified name such as <c>Demo.World.DemoScene</c>. The demo reaches the core by registering itself.
/// </summary>
public sealed class DemoBoundaryTests
{
    private static readonly string[] Products = ["Web.Engine", "Web.Server", "Web.Client"];

    [Fact]
    public void No_product_code_outside_the_demo_folder_references_the_demo()
    {
        var root = SharedData.RepositoryRoot;
        var demoFolder = Path.Combine(root, "Web.Engine", "Demo");
        var subNamespaces = Directory.GetDirectories(demoFolder).Select(Path.GetFileName).ToList();
        var reference = new Regex(
            $@"Clap2Diffusion\.Engine\.Demo\b|(?<![\w.])Demo\.(?:{string.Join('|', subNamespaces)})\b",
            RegexOptions.CultureInvariant);

        var offenders = Products
            .SelectMany(project => Sources(Path.Combine(root, project)))
            .Where(file => !file.StartsWith(demoFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Where(file => reference.IsMatch(File.ReadAllText(file)))
            .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(offenders.Count == 0, "these files reference the demo; reach it through a core interface it registers with instead:\n"
            + string.Join('\n', offenders));
    }

    private static IEnumerable<string> Sources(string project) =>
        Directory.EnumerateFiles(project, "*.*", SearchOption.AllDirectories)
            .Where(file => file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".razor", StringComparison.Ordinal))
            .Where(file => !IsBuildOutput(project, file));

    private static bool IsBuildOutput(string project, string file)
    {
        var first = Path.GetRelativePath(project, file).Split(Path.DirectorySeparatorChar)[0];
        return first is "bin" or "obj";
    }
}
