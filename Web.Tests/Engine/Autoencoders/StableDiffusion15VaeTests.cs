using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Autoencoders;

[Collection(Sd15SizeCollection.Name)]
public sealed class StableDiffusion15VaeTests
{
    [Fact]
    public void The_sd15_vae_encodes_8x_down_and_decodes_8x_up()
    {
        using var vae = new AutoencoderKL(AutoencoderKLConfig.StableDiffusion15);
        RandomWeights.Initialize(vae, seed: 16);
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        using var posterior = vae.encode(rand(1, 3, 32, 24) * 2 - 1);
        var image = vae.decode(posterior.mode());

        Assert.Equal([1L, 4, 4, 3], posterior.mean.shape);
        Assert.Equal([1L, 3, 32, 24], image.shape);
        Assert.True(image.isfinite().all().item<bool>());
        Assert.Equal(0.18215, vae.ScalingFactor);
    }
}
