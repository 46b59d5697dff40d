using Clap2Diffusion.Engine.Models.Clap;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Clap;

/// <summary>The published configuration (153 M parameters) with random weights runs a forward pass end to end.</summary>
[Collection("SD15-size models")]
public sealed class ClapFullSizeTests
{
    [Fact]
    public void Htsat_unfused_embeds_a_ten_second_clip_and_a_prompt()
    {
        manual_seed(7);
        using var model = new ClapModel(ClapConfig.HtsatUnfused);
        model.eval();
        using var features = randn(1, 1, 1001, 64) * 15 - 20;
        using var ids = tensor(new long[] { 0, 627, 2369, 9, 10, 2335, 4, 2 }).unsqueeze(0);

        using var _ = no_grad();
        using var output = model.forward(ids, features);
        using var encoded = model.audio_model.forward(features);

        Assert.Equal([1L, 768, 2, 32], encoded.LastHiddenState.shape);
        Assert.Equal([1L, 768], encoded.PoolerOutput.shape);
        Assert.Equal([1L, 512], output.AudioEmbeds.shape);
        Assert.Equal([1L, 512], output.TextEmbeds.shape);
        Assert.Equal(1f, output.AudioEmbeds.square().sum().item<float>(), 4);
        Assert.Equal(1f, output.TextEmbeds.square().sum().item<float>(), 4);
        Assert.True(output.LogitsPerAudio.isfinite().all().item<bool>());
        Assert.InRange(Math.Abs(output.LogitsPerText.item<float>()), 0, 1 / 0.07 + 1e-3);
    }
}
