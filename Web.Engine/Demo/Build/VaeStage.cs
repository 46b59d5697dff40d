using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Models.Layers;
using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Demo.Build;

/// <summary>
/// Trains the demo VAE on freshly rendered scenes: L1 reconstruction of a posterior sample plus a light KL term
/// that keeps the latent space smooth for diffusion. Its scaling factor is then set, like SD's 0.18215, so the
/// scaled latents have unit standard deviation.
/// </summary>
public static class VaeStage
{
    public const double KlWeight = 1e-4;

    public static AutoencoderKL Train(DemoProfile profile, ulong seed, StageProgress? progress, CancellationToken cancellation)
    {
        manual_seed((long)(seed & 0x7FFFFFFF));
        var vae = new AutoencoderKL(DemoArchitecture.Vae());
        Norms.ResetGroupNorms(vae);
        vae.train();
        var random = new SeededRandom(seed).Fork(0x7AE);
        StageTraining.Run("vae", vae.named_parameters().Select(p => (p.name, p.parameter)), profile.VaeSteps, 1e-3, step =>
        {
            var images = RenderBatch(random, profile.VaeBatch);
            using var generator = new Generator(seed + (ulong)step);
            using var posterior = vae.encode(images);
            var reconstruction = vae.decode(posterior.sample(generator));
            var kl = Scalars.Half
                * (posterior.mean.pow(Scalars.Two).add(posterior.var, Scalars.One) - Scalars.One - posterior.logvar).mean();
            return nn.functional.l1_loss(reconstruction, images).add(Scalars.Times(KlWeight, kl), Scalars.One);
        }, progress, cancellation);
        vae.eval();
        return vae;
    }

    /// <summary>1 / std of posterior means over fresh scenes, so the UNet sees unit-variance latents.</summary>
    public static double ScalingFactor(AutoencoderKL vae, ulong seed, int count = 256)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var images = RenderBatch(new SeededRandom(seed).Fork(0x5CA1E), count);
        using var posterior = vae.encode(images);
        return 1.0 / posterior.mean.std().item<float>();
    }

    public static Tensor RenderBatch(SeededRandom random, int count)
    {
        var images = new List<Tensor>(count);
        for (var i = 0; i < count; i++)
        {
            var scene = SceneSampler.Sample(random);
            images.Add(ImageTensors.FromRgb(SceneRenderer.Render(scene, random.Fork((ulong)i + 1), DemoArchitecture.ImageSize),
                DemoArchitecture.ImageSize, DemoArchitecture.ImageSize));
        }
        return stack(images);
    }
}
