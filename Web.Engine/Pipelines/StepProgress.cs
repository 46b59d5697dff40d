using Clap2Diffusion.Engine.Imaging;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>
/// One denoising step, reported while the job runs. <see cref="Phase"/> is "audio" or "text-only" for pairs.
/// <see cref="Preview"/> is a cheap RGB rendering of the current estimate (latent to RGB, no VAE).
/// </summary>
public sealed record StepProgress(string Phase, int Step, int TotalSteps, double Timestep, TimeSpan Elapsed, RgbImage Preview);
