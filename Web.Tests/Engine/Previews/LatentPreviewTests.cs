using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Previews;

public sealed class LatentPreviewTests(ITestOutputHelper output)
{
    private static SafeTensorsFile Fixture() => SafeTensorsFile.Open(SharedData.PathOf("parity", "fid", "sd15_latent_preview.safetensors"));

    public static TheoryData<string> Programs => ["comfyui", "a1111"];

    private static LatentRgbFactors FactorsOf(string program) => program == "comfyui" ? LatentRgbFactors.ComfyUI : LatentRgbFactors.A1111;

    [Theory]
    [MemberData(nameof(Programs))]
    public void Factors_in_code_equal_the_fixture_factors(string program)
    {
        using var file = Fixture();
        using var expected = file.Load($"{program}.latent_rgb_factors");

        using var actual = tensor(FactorsOf(program).Factors);

        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Preview_matches_the_program_in_float_and_exactly_in_bytes(string program)
    {
        using var file = Fixture();
        using var latent = file.Load("latent");
        using var expectedFloat = file.Load($"{program}.rgb_float_hwc");
        using var expectedBytes = file.Load($"{program}.rgb_u8_hwc");

        using var rgbFloat = LatentPreview.ToRgbFloat(latent, FactorsOf(program));
        var image = LatentPreview.ToRgb(latent, FactorsOf(program));

        output.WriteLine(TensorAssert.Close(rgbFloat, expectedFloat, atol: 1e-3, name: $"{program} rgb float").ToString());
        Assert.Equal(8, image.Width);
        Assert.Equal(8, image.Height);
        Assert.Equal(expectedBytes.data<long>().ToArray().Select(v => (byte)v), image.Pixels);
    }

    [Fact]
    public void ComfyUI_factors_are_the_default_and_only_the_first_latent_is_previewed()
    {
        using var file = Fixture();
        using var latent = file.Load("latent");
        using var noise = randn(1, 4, 8, 8);
        using var batch = cat([latent, noise], 0);
        using var expected = file.Load("comfyui.rgb_u8_hwc");

        var image = LatentPreview.ToRgb(batch);

        Assert.Equal(expected.data<long>().ToArray().Select(v => (byte)v), image.Pixels);
    }

    [Fact]
    public void Latents_of_the_wrong_shape_are_refused()
    {
        using var threeChannels = zeros(1, 3, 8, 8);

        Assert.Contains("[B, 4, h, w]", Assert.Throws<InputException>(() => LatentPreview.ToRgb(threeChannels)).Message);
    }
}
