using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Engine.Cli;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Unets;

public sealed class UNetKeysTests
{
    /// <summary>The tsv's key/shape lines (comments dropped), ordered, with allow-listed derived buffers removed.</summary>
    internal static List<string> SpecLines(string file) =>
        File.ReadAllLines(SharedData.PathOf("specs", "weights-keys", file))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Where(line => !DerivedBuffers.IsDerived(line.Split('\t')[0]))
            .Order(StringComparer.Ordinal).ToList();

    internal static List<string> KeysLines(string model)
    {
        var (code, output, error) = EngineCliTests.Run("keys", "--model", model);
        Assert.True(code == ExitCodes.Success, error);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#'))
            .Where(line => !DerivedBuffers.IsDerived(line.Split('\t')[0]))
            .Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void Sd15_unet_keys_and_shapes_equal_the_spec()
    {
        var keys = KeysLines("sd15-unet");

        Assert.Equal(686, keys.Count);
        Assert.Equal(SpecLines("sd15-unet.tsv"), keys);
    }
}
