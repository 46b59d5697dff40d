using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training.Cache;
using Clap2Diffusion.Engine.Training.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Training;

public sealed partial class AdapterTrainer
{
    // float16 gradients through a frozen float16 UNet underflow without scaling; float32 needs none.
    private double LossScale => settings.MixedPrecision == "fp16" ? 1024.0 : 1.0;

    private (double Loss, Dictionary<string, double> Parts, double GradNorm) TrainStep(long step, AdamW optimizer, double learningRate)
    {
        double lossSum = 0, diffusionSum = 0, alignSum = 0, levelSum = 0;
        for (var micro = 0; micro < settings.GradientAccumulation; micro++)
        {
            using var scope = NewDisposeScope();
            var batchNumber = (step - 1) * settings.GradientAccumulation + micro;
            var (loss, diffusion, align, level) = Loss(batchNumber);
            Scalars.Times(LossScale / settings.GradientAccumulation, loss).backward();
            lossSum += loss.item<float>();
            diffusionSum += diffusion;
            alignSum += align;
            levelSum += level;
        }

        var gradNorm = ClipGradients();
        if (double.IsFinite(gradNorm))
            optimizer.Update(learningRate);
        optimizer.ZeroGrad();
        var count = settings.GradientAccumulation;
        var parts = new Dictionary<string, double> { ["loss/diffusion"] = diffusionSum / count };
        if (settings.Stage == 1 && settings.AlignmentWeight > 0)
            parts["loss/align"] = alignSum / count;
        if (levelTargets is not null)
            parts["loss/levels"] = levelSum / count;
        return (lossSum / count, parts, gradNorm);
    }

    private (Tensor Loss, double Diffusion, double Align, double Level) Loss(long batchNumber)
    {
        var random = new DemoRandom((ulong)settings.Seed).Fork(0xB0000000 + (ulong)batchNumber);
        using var generator = new Generator(random.NextULong() >> 1);
        var target = components.Target;
        var batch = settings.BatchSize;

        var latents = new List<Tensor>();
        var texts = new List<Tensor>();
        var captions = new List<Tensor>();
        var masks = new List<Tensor>();
        var audio = new List<Tensor>();
        var levelGoals = new List<Tensor>();
        var audioOn = new float[batch];
        for (var b = 0; b < batch; b++)
        {
            using var sample = cache.Get(SampleIndex(batchNumber * batch + b));
            var view = random.Next((int)sample.VaeMean.shape[0]);
            var eps = randn(sample.VaeMean[view].shape, generator: generator);
            latents.Add(Scalars.Times(components.Vae.ScalingFactor, sample.VaeMean[view].add(sample.VaeStd[view] * eps, Scalars.One)));
            audio.Add(sample.ClapEmbeddings[random.Next((int)sample.ClapEmbeddings.shape[0])].clone());
            captions.Add(sample.Caption.clone());
            if (levelTargets is not null)
                levelGoals.Add(levelTargets.For(sample.Id, adapters.Config.ClapDim));
            masks.Add(sample.CaptionMask.clone());

            // Condition dropout for guidance: text alone, audio alone, or both replaced by their nulls.
            var u = random.NextDouble();
            var dropText = u < settings.DropText || (u >= settings.DropText + settings.DropAudio && u < settings.DropText + settings.DropAudio + settings.DropBoth);
            var dropAudio = u >= settings.DropText && u < settings.DropText + settings.DropAudio + settings.DropBoth;
            texts.Add(dropText ? emptyText.clone() : sample.Text.clone());
            audioOn[b] = dropAudio ? 0f : 1f;
        }

        var x0 = stack(latents).to(target.DType, target.Device);
        var noise = randn(x0.shape, generator: generator).to(target.DType, target.Device);
        var timesteps = randint(0, noiseSchedule.NumTrainTimesteps, [batch], generator: generator, dtype: ScalarType.Int64);
        var noisy = noiseSchedule.AddNoise(x0, noise, timesteps);
        var context = stack(texts).to(target.DType, target.Device);

        var audioBatch = stack(audio).to(target.Device);
        var tokens = adapters.audio_encoder.forward(audioBatch);
        var rows = tensor(audioOn, device: target.Device);
        var hooks = new UNetHooks { TransformerBlocks = new AudioAdapterHook(adapters, tokens, rows, new AudioStrength()) };
        var prediction = components.UNet.forward(noisy, timesteps.to(target.Device), context, hooks).to(ScalarType.Float32);
        var goal = components.SchedulerConfig.PredictionType == "v_prediction"
            ? ((Schedulers.DDIMScheduler)noiseSchedule).GetVelocity(x0, noise, timesteps).to(ScalarType.Float32)
            : noise.to(ScalarType.Float32);
        var diffusion = nn.functional.mse_loss(prediction, goal);

        var loss = diffusion;
        double align = 0;
        if (settings.Stage == 1 && settings.AlignmentWeight > 0)
        {
            var alignment = AlignmentLoss(tokens.Full.to(ScalarType.Float32), stack(captions).to(target.Device), stack(masks).to(target.Device), rows);
            align = alignment.item<float>();
            loss = loss.add(Scalars.Times(settings.AlignmentWeight, alignment), Scalars.One);
        }
        double level = 0;
        if (levelTargets is not null)
        {
            var levels = LevelLoss(adapters.audio_encoder.LevelViews(audioBatch).to(ScalarType.Float32), stack(levelGoals).to(target.Device), rows);
            level = levels.item<float>();
            loss = loss.add(Scalars.Times(settings.LevelWeight, levels), Scalars.One);
        }
        return (loss.MoveToOuterDisposeScope(), diffusion.item<float>(), align, level);
    }

    /// <summary>
    /// Squared distance between each level's view of the embedding and its caption target (zero where the caption
    /// names nothing of that level), summed over the embedding, averaged over levels and the rows trained with audio.
    /// </summary>
    internal static Tensor LevelLoss(Tensor views, Tensor targets, Tensor rowsWithAudio)
    {
        var perRow = (views - targets).pow(Scalars.Two).sum([-1]).mean([-1]);
        return (perRow * rowsWithAudio).sum() / rowsWithAudio.sum().clamp_min(Scalars.One);
    }

    /// <summary>
    /// Mean cosine distance between the audio tokens and the caption's CLIP text states, position by position over
    /// the caption's non-padding tokens, for rows trained with audio.
    /// </summary>
    internal static Tensor AlignmentLoss(Tensor audioTokens, Tensor captionStates, Tensor captionMask, Tensor rowsWithAudio)
    {
        var cosine = nn.functional.cosine_similarity(audioTokens, captionStates, dim: -1);
        var weights = captionMask * rowsWithAudio.unsqueeze(1);
        var count = weights.sum().clamp_min(Scalars.One);
        return (cosine.neg().add(Scalars.One, Scalars.One) * weights).sum() / count;
    }

    private double ClipGradients()
    {
        using var noGrad = no_grad();
        var grads = adapters.parameters().Where(p => p.requires_grad && p.grad is not null).Select(p => p.grad!).ToList();
        if (grads.Count == 0)
            return 0;
        if (LossScale != 1)
        {
            using var lossScale = LossScale.ToScalar();
            foreach (var grad in grads)
                grad.div_(lossScale);
        }
        var norm = Math.Sqrt(grads.Sum(g => g.pow(Scalars.Two).sum().item<float>()));
        if (!double.IsFinite(norm))
            return double.NaN;
        if (norm > settings.MaxGradNorm)
        {
            using var clip = (settings.MaxGradNorm / (norm + 1e-6)).ToScalar();
            foreach (var grad in grads)
                grad.mul_(clip);
        }
        return norm;
    }
}
