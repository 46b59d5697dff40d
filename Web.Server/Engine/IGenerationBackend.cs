using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Serving;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// The seam between the web app and the diffusion engine. The engine service calls <see cref="Describe"/> once
/// and then <see cref="Run"/> for one job at a time, both on its own dedicated thread, so a backend may keep
/// thread-affine state (dispose scopes, a loaded model) without locks. <see cref="Estimate"/> is called from
/// request threads while a job runs: it must be cheap and thread-safe.
/// </summary>
public interface IGenerationBackend
{
    /// <summary>What the active model is and can do; the backend may load its model here.</summary>
    EngineInfo Describe();

    /// <summary>How long <see cref="Run"/> would take for these settings, before anything is submitted.</summary>
    TimeSpan Estimate(GenerationSettings settings, JobKind kind);

    /// <summary>
    /// Runs one job: the text-only image, or for a pair the audio-conditioned image and the text-only baseline
    /// from the same seed. Calls <paramref name="onStep"/> after every denoising step (counted over the whole job; the
    /// preview is rendered only if the callback asks for it) and honours
    /// <paramref name="cancellationToken"/> within one step by throwing <see cref="OperationCanceledException"/>.
    /// Bad input (an undecodable clip, say) is reported with <see cref="Clap2Diffusion.Engine.InputException"/>,
    /// whose message the user sees as it is.
    /// </summary>
    GenerationOutcome Run(GenerationWork work, Action<StepProgress> onStep, CancellationToken cancellationToken);
}
