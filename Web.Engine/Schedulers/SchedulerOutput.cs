using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Schedulers;

/// <summary>
/// What one <see cref="DiffusionScheduler.Step"/> returns: x_{t−1}, the next loop input, and, where the
/// scheduler forms it, its estimate of x₀ (useful for previews). Both are new tensors the caller owns.
/// </summary>
public sealed record SchedulerOutput(Tensor PrevSample, Tensor? PredOriginalSample = null);
