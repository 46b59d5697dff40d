using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Tests.Engine.Cli;

namespace Clap2Diffusion.Tests.Engine.Adapters;

/// <summary><c>keys --set</c> with the temporal branch's options, on the real v4-sd15 architecture (built on the meta device).</summary>
public sealed class TemporalKeysTests
{
    private static Dictionary<string, long> Parts(params string[] settings)
    {
        var (code, output, error) = EngineCliTests.Run(["keys", "--model", "v4-sd15", "--params", .. settings.SelectMany(s => new[] { "--set", s })]);
        Assert.True(code == ExitCodes.Success, error);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToDictionary(p => p[0], p => long.Parse(p[1]));
    }

    private static string Refusal(params string[] settings)
    {
        var (code, _, error) = EngineCliTests.Run(["keys", "--model", "v4-sd15", "--params", .. settings.SelectMany(s => new[] { "--set", s })]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.DoesNotContain("   at ", error);
        return error;
    }

    [Fact]
    public void Temporal_true_adds_the_branch_as_its_own_part_with_the_designs_count()
    {
        var without = Parts();
        var with = Parts("temporal=true");

        // Kernels 3, 3, 5 from 768 to 128 channels, then mean and max of 3 x 128 channels to 3 x 512.
        const long branch = 128 * 768 * (3 + 3 + 5) + 3 * 128 + 768 * 1536 + 1536;
        Assert.Equal(branch, with["audio_encoder.temporal (3 scales)"]);
        Assert.Equal(without["total"] + branch, with["total"]);
        Assert.DoesNotContain(without.Keys, k => k.Contains("temporal", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("temporal_channels=64", "audio_encoder.temporal (3 scales)", 64 * 768 * 11 + 3 * 64 + 384 * 1536 + 1536)]
    [InlineData("temporal_dim=512", "audio_encoder.temporal (3 scales)", 128 * 512 * 11 + 3 * 128 + 768 * 1536 + 1536)]
    [InlineData("temporal_kernels=[3,9]", "audio_encoder.temporal (2 scales)", 128 * 768 * 12 + 2 * 128 + 512 * 1536 + 1536)]
    [InlineData("temporal_dilations=[1,2,16]", "audio_encoder.temporal (3 scales)", 128 * 768 * 11 + 3 * 128 + 768 * 1536 + 1536)]
    public void Each_temporal_option_shapes_the_branch(string setting, string part, long expected)
    {
        // Kernels and dilations go in pairs: a two-scale setting names both.
        var settings = setting.StartsWith("temporal_kernels", StringComparison.Ordinal)
            ? new[] { "temporal=true", setting, "temporal_dilations=[1,4]" }
            : ["temporal=true", setting];

        Assert.Equal(expected, Parts(settings)[part]);
    }

    [Fact]
    public void Keys_list_the_branch_under_the_audio_encoder()
    {
        var (code, output, _) = EngineCliTests.Run("keys", "--model", "v4-sd15", "--set", "temporal=true", "--set", "temporal_kernels=[3,7]",
            "--set", "temporal_dilations=[1,2]");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("audio_encoder.temporal.convs.1.weight\t[128, 768, 7]", output);
        Assert.Contains("audio_encoder.temporal.proj_out.weight\t[1536, 512]", output);
        Assert.DoesNotContain("audio_encoder.temporal.convs.2.", output);
    }

    [Theory]
    [InlineData("temporal=maybe", "--set temporal=maybe: temporal takes true or false")]
    [InlineData("temporal_channels=wide", "temporal_channels takes an integer")]
    [InlineData("temporal_kernels=3", "temporal_kernels takes a list of integers")]
    [InlineData("temporal_kernels=[4,4,4]", "temporal_kernels must be odd and positive")]
    [InlineData("temporal_kernels=[3,5]", "need one value per scale")]
    [InlineData("temporal_dilations=[1,0,2]", "temporal_dilations must be positive")]
    [InlineData("temporal_dim=0", "temporal_dim and temporal_channels must be positive")]
    public void A_bad_temporal_value_is_refused_with_what_its_key_takes(string setting, string message)
    {
        Assert.Contains(message, Refusal("temporal=true", setting));
    }
}
