using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Tests.Engine.Cli;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Clip;

public sealed class ClipKeysTests
{
    [Theory]
    [InlineData("clip-text-l14", 196)]
    [InlineData("clip-vit-l14", 590)]
    [InlineData("clip-vit-b32", 398)]
    public void Keys_equal_the_spec_list(string model, int count)
    {
        var (code, output, _) = EngineCliTests.Run("keys", "--model", model);

        Assert.Equal(ExitCodes.Success, code);
        var actual = KeyShapes(output.Split('\n'));
        var expected = KeyShapes(File.ReadLines(SharedData.PathOf("specs", "weights-keys", $"{model}.tsv")));
        Assert.Equal(count, expected.Count);
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), actual.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    private static Dictionary<string, string> KeyShapes(IEnumerable<string> lines) => lines
        .Select(line => line.TrimEnd('\r'))
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.Split('\t'))
        .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
}
