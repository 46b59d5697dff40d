using Clap2Diffusion.Engine.Pipelines;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Pipelines;

public sealed class GuidanceTests
{
    [Fact]
    public void Dual_guidance_is_the_sum_of_text_and_audio_directions()
    {
        using var uncond = tensor(new float[] { 1, 2 });
        using var text = tensor(new float[] { 3, 1 });
        using var textAudio = tensor(new float[] { 4, 5 });

        using var eps = Guidance.Combine(uncond, text, textAudio, textScale: 7.5, audioScale: 2.0);

        // uncond + 7.5 (text - uncond) + 2 (textAudio - text) = [1 + 15 + 2, 2 - 7.5 + 8]
        Assert.Equal([18f, 2.5f], eps.data<float>().ToArray());
    }

    [Fact]
    public void Without_audio_it_is_classifier_free_guidance_and_without_uncond_the_text_prediction()
    {
        using var uncond = tensor(new float[] { 1 });
        using var text = tensor(new float[] { 3 });
        using var textAudio = tensor(new float[] { 7 });

        Assert.Equal(16f, Guidance.Combine(uncond, text, null, 7.5, 2).item<float>());
        Assert.Equal(11f, Guidance.Combine(null, text, textAudio, 7.5, 2).item<float>());
    }
}
