namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// Progress after one denoising step. <see cref="Step"/> counts from 1 to <see cref="TotalSteps"/> over the
/// whole job (a pair's two loops count as one run of 2 × steps).
/// </summary>
/// <param name="Timestep">The scheduler's timestep of this step.</param>
/// <param name="Elapsed">Time since <c>Run</c> began.</param>
/// <param name="RenderPreview">
/// Makes a small PNG of the current latents. The server calls it at most once, only inside the step callback and
/// only when it wants a preview (previews are throttled), so a backend never pays for a preview nobody will see.
/// </param>
public sealed record GenerationStep(int Step, int TotalSteps, int Timestep, TimeSpan Elapsed, Func<byte[]>? RenderPreview);
