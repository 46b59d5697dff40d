using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Models.Layers;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Engine.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Demo.Build;

/// <summary>
/// Trains the demo's text-to-image base model: a UNet and a CLIP text encoder together, on latents of rendered
/// scenes (encoded once by the frozen demo VAE) and their captions. Captions always name the object and name the
/// scene half of the time, so text alone can draw a scene when asked and the audio has to supply it when the text
/// is silent; 10% of captions are empty for classifier-free guidance. The weights kept are an exponential moving
/// average, which samples better than the last step. The target follows the scheduler's prediction type: the demo
/// predicts velocity (as SD 2 does), whose error stays bounded at high noise where a small, briefly trained
/// epsilon model's error is multiplied by 1/sqrt(alpha_bar) on the way to the image.
/// </summary>
public static class BaseModelStage
{
    public const double EmptyCaptionRate = 0.1;
    public const double EmaDecay = 0.999;

    public static (UNet2DConditionModel UNet, CLIPTextModel TextEncoder) Train(DemoProfile profile, AutoencoderKL vae, CLIPTokenizer tokenizer,
        CLIPTextConfig textConfig, SchedulerConfig schedule, ulong seed, StageProgress? progress, CancellationToken cancellation)
    {
        var (means, stds, scenes) = EncodePool(profile, vae, seed, progress, cancellation);
        manual_seed((long)(seed & 0x7FFFFFFF) + 1);
        var unet = new UNet2DConditionModel(DemoArchitecture.UNet(profile));
        var text = new CLIPTextModel(textConfig);
        Norms.ResetGroupNorms(unet);
        unet.train();
        text.train();
        using var noise = new DDIMScheduler(schedule);
        var parameters = unet.named_parameters().Select(p => ($"unet.{p.name}", p.parameter))
            .Concat(text.named_parameters().Select(p => ($"text.{p.name}", p.parameter))).ToList();
        var ema = parameters.Select(p => p.parameter.detach().clone().DetachFromDisposeScope()).ToList();
        var random = new SeededRandom(seed).Fork(0xBA5E);
        var scale = vae.ScalingFactor;

        StageTraining.Run("base", parameters, profile.BaseSteps, 4e-4, step =>
        {
            using var generator = new Generator(seed * 31 + (ulong)step);
            var indices = Enumerable.Range(0, profile.BaseBatch).Select(_ => random.Next(scenes.Count)).ToArray();
            var index = tensor(indices.Select(i => (long)i).ToArray());
            var mean = means.index_select(0, index);
            var spread = stds.index_select(0, index) * randn(mean.shape, generator: generator);
            var latents = Scalars.Times(scale, mean.add(spread, Scalars.One));
            var captions = indices.Select(i => random.Chance(EmptyCaptionRate) ? "" : PromptWriter.TrainingCaption(scenes[i], random)).ToList();
            var states = text.PromptEmbeddings(tokenizer.EncodePadded(captions).InputIdsTensor());
            var epsilon = randn(latents.shape, generator: generator);
            var timesteps = randint(0, noise.NumTrainTimesteps, [profile.BaseBatch], generator: generator, dtype: ScalarType.Int64);
            var prediction = unet.forward(noise.AddNoise(latents, epsilon, timesteps), timesteps, states);
            return nn.functional.mse_loss(prediction, noise.TrainingTarget(latents, epsilon, timesteps));
        }, progress, cancellation, afterStep: _ => UpdateAverage(parameters, ema));

        using (no_grad())
            for (var i = 0; i < parameters.Count; i++)
                parameters[i].Item2.copy_(ema[i]);
        foreach (var tensor in ema)
            tensor.Dispose();
        means.Dispose();
        stds.Dispose();
        unet.eval();
        text.eval();
        return (unet, text);
    }

    private static void UpdateAverage(List<(string, TorchSharp.Modules.Parameter)> parameters, List<Tensor> average)
    {
        // Explicit scalars, held to the end: implicit temporaries can be finalised mid-call (see AdamW).
        using var decay = EmaDecay.ToScalar();
        using var complement = (1 - EmaDecay).ToScalar();
        using var noGrad = no_grad();
        for (var i = 0; i < parameters.Count; i++)
            average[i].mul_(decay).add_(parameters[i].Item2, alpha: complement);
    }

    /// <summary>Renders the training pool once and keeps its VAE posteriors, which the stage samples from.</summary>
    private static (Tensor Means, Tensor Stds, List<DemoScene> Scenes) EncodePool(DemoProfile profile, AutoencoderKL vae, ulong seed,
        StageProgress? progress, CancellationToken cancellation)
    {
        var random = new SeededRandom(seed).Fork(0x9001);
        var means = new List<Tensor>();
        var stds = new List<Tensor>();
        var scenes = new List<DemoScene>();
        const int chunk = 64;
        using var noGrad = no_grad();
        for (var start = 0; start < profile.BasePool; start += chunk)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var count = Math.Min(chunk, profile.BasePool - start);
            var images = new List<Tensor>();
            for (var i = 0; i < count; i++)
            {
                var scene = SceneSampler.Sample(random);
                scenes.Add(scene);
                images.Add(Imaging.ImageTensors.FromRgb(SceneRenderer.Render(scene, random.Fork((ulong)(start + i)), DemoArchitecture.ImageSize),
                    DemoArchitecture.ImageSize, DemoArchitecture.ImageSize));
            }
            using var posterior = vae.encode(stack(images));
            means.Add(posterior.mean.clone().DetachFromDisposeScope());
            stds.Add(posterior.std.clone().DetachFromDisposeScope());
            progress?.Invoke("base (encoding scenes)", start + count, profile.BasePool, double.NaN);
        }
        var allMeans = cat(means).DetachFromDisposeScope();
        var allStds = cat(stds).DetachFromDisposeScope();
        foreach (var part in means.Concat(stds))
            part.Dispose();
        return (allMeans, allStds, scenes);
    }
}
