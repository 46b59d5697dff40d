using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Tests.Engine.Cli;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Clap;

/// <summary>The <c>keys</c> verb lists exactly the spec's state-dict keys and shapes for the published CLAP model.</summary>
public sealed class ClapKeysTests
{
    private static HashSet<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#'))
            .ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Keys_of_clap_htsat_unfused_equal_the_spec_list()
    {
        var expected = Lines(File.ReadAllText(SharedData.PathOf("specs", "weights-keys", "clap-htsat-unfused.tsv")));

        var (code, output, error) = EngineCliTests.Run("keys", "--model", "clap-htsat-unfused");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal("", error);
        var actual = Lines(output);
        Assert.Empty(expected.Except(actual));
        Assert.Empty(actual.Except(expected));
        Assert.Equal(445, actual.Count);
    }

    [Fact]
    public void Keys_of_the_audio_half_are_the_spec_lists_audio_lines()
    {
        var expected = Lines(File.ReadAllText(SharedData.PathOf("specs", "weights-keys", "clap-htsat-unfused.tsv")))
            .Where(line => line.StartsWith("audio_", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

        var (code, output, _) = EngineCliTests.Run("keys", "--model", "clap-htsat-unfused-audio");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(expected.Order(StringComparer.Ordinal), Lines(output).Order(StringComparer.Ordinal));
    }
}
