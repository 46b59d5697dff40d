using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training.Cache;
using Clap2Diffusion.Engine.Training.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Training;

/// <summary>One optimiser step's figures; <see cref="NonFinite"/> names what was not finite when the step was skipped.</summary>
internal sealed record StepResult(double Loss, Dictionary<string, double> Parts, double GradNorm, IReadOnlyList<string> ItemIds, string? NonFinite);

public sealed partial class AdapterTrainer
{
    // float16 gradients through a frozen float16 UNet underflow without scaling; float32 needs none.
    private double LossScale => settings.MixedPrecision == "fp16" ? 1024.0 : 1.0;

    /// <summary>
    /// One optimiser step over <see cref="AdapterTrainingSettings.GradientAccumulation"/> micro-batches. A micro-batch
    /// whose loss is not finite, or a gradient whose norm is not finite, skips the update: the gradients are zeroed and
    /// neither the weights nor the optimiser's moments and step count change. Every tensor of the step, the gradient
    /// handles included, lives in a dispose scope of this thread, so nothing is left to the finaliser.
    /// </summary>
    private StepResult TrainStep(long step, AdamW optimizer, double learningRate)
    {
        double lossSum = 0, diffusionSum = 0, alignSum = 0, levelSum = 0;
        var itemIds = new List<string>();
        string? nonFinite = null;
        using var backwardScale = (LossScale / settings.GradientAccumulation).ToScalar();
        for (var micro = 0; micro < settings.GradientAccumulation && nonFinite is null; micro++)
        {
            using var scope = NewDisposeScope();
            var batchNumber = (step - 1) * settings.GradientAccumulation + micro;
            var (loss, diffusion, align, level) = Loss(batchNumber, itemIds);
            var lossValue = (double)loss.item<float>();
            lossSum += lossValue;
            diffusionSum += diffusion;
            alignSum += align;
            levelSum += level;
            if (!double.IsFinite(lossValue))
                nonFinite = "loss";
            else
                Backpropagation.Run(loss.mul(backwardScale));
        }

        var gradNorm = nonFinite is null ? ClipGradients() : double.NaN;
        if (nonFinite is null && !double.IsFinite(gradNorm))
            nonFinite = "gradient";
        if (nonFinite is null)
            optimizer.Update(learningRate);
        optimizer.ZeroGrad();
        var count = settings.GradientAccumulation;
        var parts = new Dictionary<string, double> { ["loss/diffusion"] = diffusionSum / count };
        if (settings.Stage == 1 && settings.AlignmentWeight > 0)
            parts["loss/align"] = alignSum / count;
        if (levelTargets is not null)
            parts["loss/levels"] = levelSum / count;
        return new StepResult(lossSum / count, parts, gradNorm, itemIds, nonFinite);
    }

    /// <summary>The micro-batch's loss, in the caller's dispose scope; the batch's item ids are added to <paramref name="itemIds"/>.</summary>
    private (Tensor Loss, double Diffusion, double Align, double Level) Loss(long batchNumber, List<string> itemIds)
    {
        var random = new SeededRandom((ulong)settings.Seed).Fork(0xB0000000 + (ulong)batchNumber);
        using var generator = new Generator(random.NextULong() >> 1);
        using var scaling = components.Vae.ScalingFactor.ToScalar();
        var target = components.Target;
        var batch = settings.BatchSize;

        var latents = new List<Tensor>();
        var texts = new List<Tensor>();
        var captions = new List<Tensor>();
        var masks = new List<Tensor>();
        var audio = new List<Tensor>();
        var frames = new List<Tensor>();
        var temporal = adapters.audio_encoder.temporal is not null;
        var levelGoals = new List<Tensor>();
        var audioOn = new float[batch];
        for (var b = 0; b < batch; b++)
        {
            using var sample = cache.Get(SampleIndex(batchNumber * batch + b));
            itemIds.Add(sample.Id);
            var view = random.Next((int)sample.VaeMean.shape[0]);
            var eps = randn(sample.VaeMean[view].shape, generator: generator);
            latents.Add(sample.VaeMean[view].add(sample.VaeStd[view] * eps, Scalars.One).mul(scaling));
            var crop = random.Next((int)sample.ClapEmbeddings.shape[0]);
            audio.Add(sample.ClapEmbeddings[crop].clone());
            if (temporal)
                frames.Add((sample.ClapFrames ?? throw new InvalidOperationException($"the feature cache {cache.Folder} has no CLAP frames for the temporal branch"))[crop].clone());
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
        var framesBatch = temporal ? stack(frames).to(target.Device) : null;
        var tokens = adapters.audio_encoder.forward(audioBatch, frames: framesBatch);
        var rows = tensor(audioOn, device: target.Device);
        var hooks = new UNetHooks
        {
            TransformerBlocks = new AudioAdapterHook(adapters, tokens, rows, new AudioStrength()),
            Projections = adapters.Projections,
        };
        var prediction = components.UNet.forward(noisy, timesteps.to(target.Device), context, hooks).to(ScalarType.Float32);
        var goal = noiseSchedule.TrainingTarget(x0, noise, timesteps).to(ScalarType.Float32);
        var diffusion = nn.functional.mse_loss(prediction, goal);

        var loss = diffusion;
        double align = 0;
        if (settings.Stage == 1 && settings.AlignmentWeight > 0)
        {
            using var weight = settings.AlignmentWeight.ToScalar();
            var alignment = AlignmentLoss(tokens.Full.to(ScalarType.Float32), stack(captions).to(target.Device), stack(masks).to(target.Device), rows);
            align = alignment.item<float>();
            loss = loss.add(alignment.mul(weight), Scalars.One);
        }
        double level = 0;
        if (levelTargets is not null)
        {
            using var weight = settings.LevelWeight.ToScalar();
            var levels = LevelLoss(adapters.audio_encoder.LevelViews(audioBatch, framesBatch).to(ScalarType.Float32), stack(levelGoals).to(target.Device), rows);
            level = levels.item<float>();
            loss = loss.add(levels.mul(weight), Scalars.One);
        }
        return (loss, diffusion.item<float>(), align, level);
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
        // 1 − cos as −cos + 1: the same IEEE result, with TorchSharp given an owned alpha.
        return (cosine.neg().add(Scalars.One, Scalars.One) * weights).sum() / count;
    }

    /// <summary>Unscales and clips the gradients in place; returns their norm before clipping, NaN when it is not finite.</summary>
    private double ClipGradients()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var grads = adapters.parameters().Where(p => p.requires_grad).Select(p => p.grad).OfType<Tensor>().ToList();
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
