using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Demo.Build;

/// <summary>Reports one step of a build stage: its name, the step, the total and the loss.</summary>
public delegate void StageProgress(string stage, int step, int total, double loss);

/// <summary>
/// The loop every from-scratch stage of the demo build shares: AdamW with warm-up and cosine decay, gradient
/// clipping, one dispose scope per step, cancellation between steps, and a running loss for progress.
/// </summary>
public static class StageTraining
{
    public static IReadOnlyList<double> Run(string stage, IEnumerable<(string Name, TorchSharp.Modules.Parameter Parameter)> parameters,
        int steps, double learningRate, Func<int, Tensor> loss, StageProgress? progress, CancellationToken cancellation,
        double weightDecay = 1e-2, double maxGradNorm = 1.0, Action<int>? afterStep = null)
    {
        var trainable = parameters.ToList();
        using var optimizer = new AdamW(trainable, weightDecay: weightDecay);
        var schedule = new LearningRateSchedule(learningRate, Math.Max(1, Math.Min(200, steps / 10)), steps, "cosine", 0.1);
        var losses = new List<double>(steps);
        for (var step = 0; step < steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                var value = loss(step);
                optimizer.ZeroGrad();
                Backpropagation.Run(value);
                ClipGradients(trainable, maxGradNorm);
                optimizer.Update(schedule.At(step));
                losses.Add(value.item<float>());
            }
            afterStep?.Invoke(step);
            progress?.Invoke(stage, step + 1, steps, losses.Skip(Math.Max(0, losses.Count - 50)).Average());
        }
        return losses;
    }

    private static void ClipGradients(List<(string Name, TorchSharp.Modules.Parameter Parameter)> parameters, double maxNorm)
    {
        using var noGrad = no_grad();
        var grads = parameters.Select(p => p.Parameter.grad).Where(g => g is not null).Select(g => g!).ToList();
        var norm = Math.Sqrt(grads.Sum(g => g.pow(Scalars.Two).sum().item<float>()));
        if (norm > maxNorm && double.IsFinite(norm))
        {
            using var factor = (maxNorm / (norm + 1e-6)).ToScalar();
            foreach (var grad in grads)
                grad.mul_(factor);
        }
    }
}
