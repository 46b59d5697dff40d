using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Server.Engine;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>
/// A step's preview as the studio shows it: asked of the engine only when the runner wants one, blurred when the
/// operator blurs previews (<c>Safety:BlurPreviews</c>: the checker sees only final images), and encoded as a PNG.
/// </summary>
public sealed class StepPreviews(IOptions<SafetyOptions> safety)
{
    /// <summary>Renders and encodes the preview; call it only inside the step callback that received <paramref name="step"/>.</summary>
    public byte[] Png(StepProgress step)
    {
        var preview = step.RenderPreview();
        var shown = safety.Value.BlurPreviews ? ImageObscuring.Blur(preview) : preview;
        return PngWriter.Encode(shown.Width, shown.Height, shown.Pixels);
    }
}
