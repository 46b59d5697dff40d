using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Classifiers;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Demo.Classifier;

/// <summary>Settings of a classifier training run on freshly rendered scenes.</summary>
public sealed record ClassifierTrainingSettings(int Steps = 2000, int BatchSize = 32, double LearningRate = 2e-3, ulong Seed = 7);

/// <summary>
/// Trains the attribute classifier on scenes rendered on the fly (an endless, exactly labelled supply), with
/// blur, noise and contrast changes so that it also reads the softer images a diffusion model draws. An
/// optional hook lets the caller pass part of each batch through a VAE round trip for the same reason.
/// </summary>
public static class ClassifierTrainer
{
    public static void Train(SceneAttributeClassifier model, ClassifierTrainingSettings settings,
        Func<Tensor, Tensor>? degrade = null, Action<int, double>? onStep = null, CancellationToken cancellation = default)
    {
        var random = new SeededRandom(settings.Seed);
        var schedule = new LearningRateSchedule(settings.LearningRate, Math.Min(100, settings.Steps / 10), settings.Steps, "cosine", 0.05);
        using var optimizer = new AdamW(model.named_parameters().Select(p => (p.name, p.parameter)), weightDecay: 1e-4);
        model.train();
        for (var step = 0; step < settings.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var (images, targets) = Batch(model.Config, random, settings.BatchSize);
            images = Augment(images, random);
            if (degrade is not null && random.Chance(0.5))
            {
                using var noGrad = no_grad();
                images = degrade(images);
            }
            var logits = model.call(images);
            var loss = logits.Keys.Select(head => nn.functional.cross_entropy(logits[head], targets[head]))
                .Aggregate((a, b) => a.add(b, Scalars.One));
            optimizer.ZeroGrad();
            Backpropagation.Run(loss);
            optimizer.Update(schedule.At(step));
            onStep?.Invoke(step, loss.item<float>());
        }
        model.eval();
    }

    /// <summary>A batch of rendered scenes in [-1, 1] with the class index of every head.</summary>
    public static (Tensor Images, Dictionary<string, Tensor> Targets) Batch(SceneAttributeClassifierConfig config, SeededRandom random, int size)
    {
        var images = new List<Tensor>();
        var targets = config.Heads.Keys.ToDictionary(h => h, _ => new long[size]);
        for (var i = 0; i < size; i++)
        {
            var scene = SceneSampler.Sample(random);
            images.Add(ImageTensors.FromRgb(SceneRenderer.Render(scene, random.Fork((ulong)i), config.ImageSize), config.ImageSize, config.ImageSize));
            foreach (var (head, index) in SceneLabels.Indices(config, scene))
                targets[head][i] = index;
        }
        return (stack(images), targets.ToDictionary(kv => kv.Key, kv => tensor(kv.Value)));
    }

    private static Tensor Augment(Tensor images, SeededRandom random)
    {
        var batch = images.shape[0];
        var sigma = random.Uniform(0, 1.3);
        if (sigma > 0.3)
            images = Blur(images, sigma);
        var contrast = tensor(Enumerable.Range(0, (int)batch).Select(_ => (float)random.Uniform(0.88, 1.12)).ToArray()).reshape(batch, 1, 1, 1);
        var brightness = tensor(Enumerable.Range(0, (int)batch).Select(_ => (float)random.Uniform(-0.08, 0.08)).ToArray()).reshape(batch, 1, 1, 1);
        using var generator = new Generator(random.NextULong() >> 1);
        using var amplitude = ((float)random.Uniform(0, 0.06)).ToScalar();
        var noise = randn(images.shape, generator: generator) * amplitude;
        return (images * contrast).add(brightness, Scalars.One).add(noise, Scalars.One).clamp(Scalars.MinusOne, Scalars.One);
    }

    private static Tensor Blur(Tensor images, double sigma)
    {
        var radius = (int)Math.Ceiling(2 * sigma);
        var taps = Enumerable.Range(-radius, 2 * radius + 1).Select(x => Math.Exp(-x * x / (2 * sigma * sigma))).ToArray();
        var sum = taps.Sum();
        var kernel = tensor(taps.Select(t => (float)(t / sum)).ToArray());
        var channels = images.shape[1];
        var horizontal = kernel.reshape(1, 1, 1, -1).expand(channels, 1, 1, -1);
        var vertical = kernel.reshape(1, 1, -1, 1).expand(channels, 1, -1, 1);
        var padded = nn.functional.pad(images, [radius, radius, radius, radius], PaddingModes.Replicate);
        var x = nn.functional.conv2d(padded, horizontal, groups: channels);
        return nn.functional.conv2d(x, vertical, groups: channels);
    }
}
