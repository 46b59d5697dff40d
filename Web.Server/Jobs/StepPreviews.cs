using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Engine;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>The in-process engine's previews, blurred as <c>Safety:BlurPreviews</c> says (remote workers are told the same setting).</summary>
public sealed class StepPreviews(IOptions<SafetyOptions> safety)
{
    /// <summary>Renders and encodes the preview; call it only inside the step callback that received <paramref name="step"/>.</summary>
    public byte[] Png(StepProgress step) => PreviewPng.Render(step, safety.Value.BlurPreviews);
}
