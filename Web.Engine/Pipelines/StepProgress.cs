using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Imaging;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>
/// One denoising step, reported while the job runs. <see cref="Step"/> counts from 1 to <see cref="TotalSteps"/>
/// over the whole job: a pair's two loops (<see cref="Phase"/> audio, then text-only) count as one run of twice the
/// steps, and an edit counts only the steps it runs.
/// </summary>
/// <param name="Timestep">The scheduler's timestep of this step.</param>
/// <param name="Elapsed">Time since <c>Generate</c> began.</param>
/// <param name="RenderPreview">
/// A cheap RGB rendering of the current estimate (latent to RGB, no VAE), made only when called: a listener that
/// wants previews calls it at the interval it likes, and one that does not costs nothing. Valid only inside the
/// callback that received it.
/// </param>
public sealed record StepProgress(ImageCondition Phase, int Step, int TotalSteps, double Timestep, TimeSpan Elapsed, Func<RgbImage> RenderPreview);
