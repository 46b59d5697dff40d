using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Autoencoders;

public sealed class AutoencoderKLTests
{
    [Fact]
    public void Sampling_the_posterior_is_mean_plus_std_times_the_generators_noise()
    {
        using var vae = AutoencoderKL.FromPretrained(FixtureFolders.Source("vae_dummy"), ComputeTarget.Cpu);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var posterior = vae.encode(rand(1, 3, 32, 32) * 2 - 1);

        using var first = new Generator(42);
        using var second = new Generator(42);
        using var reference = new Generator(42);
        var a = posterior.sample(first);
        var b = posterior.sample(second);
        var expected = posterior.mean + posterior.std * randn(posterior.mean.shape, generator: reference);

        Assert.True(a.eq(b).all().item<bool>());
        Assert.True(a.allclose(expected, rtol: 0, atol: 1e-6));
        Assert.True(posterior.mode().eq(posterior.mean).all().item<bool>());
        Assert.True(posterior.var.allclose(posterior.std * posterior.std, rtol: 1e-5, atol: 1e-7));
    }

    [Fact]
    public void Images_and_latents_of_the_wrong_shape_are_refused()
    {
        using var vae = AutoencoderKL.FromPretrained(FixtureFolders.Source("vae_dummy"), ComputeTarget.Cpu);
        using var scope = NewDisposeScope();

        var image = Assert.Throws<InputException>(() => vae.encode(randn(1, 4, 32, 32)));
        var latent = Assert.Throws<InputException>(() => vae.decode(randn(1, 3, 8, 8)));

        Assert.Contains("[batch, 3, height, width]", image.Message);
        Assert.Contains("[batch, 4, height, width]", latent.Message);
    }

    [Fact]
    public void Optional_parts_follow_the_config_switches()
    {
        var config = AutoencoderKLConfig.StableDiffusion15 with { MidBlockAddAttention = false, UsePostQuantConv = false };

        using var vae = new AutoencoderKL(config, META);
        var keys = vae.state_dict().Keys.ToList();

        Assert.DoesNotContain(keys, k => k.Contains(".attentions."));
        Assert.DoesNotContain(keys, k => k.StartsWith("post_quant_conv."));
        Assert.Contains("quant_conv.weight", keys);
        Assert.Equal(248 - 2 * 10 - 2, keys.Count);
    }
}
