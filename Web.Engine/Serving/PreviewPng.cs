using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Engine.Pipelines;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// A step's preview as the studio shows it: rendered only when asked, blurred when the operator blurs previews (the
/// safety checker sees only final images), encoded as a PNG.
/// </summary>
public static class PreviewPng
{
    /// <summary>Call it only inside the step callback that received <paramref name="step"/>.</summary>
    public static byte[] Render(StepProgress step, bool blur)
    {
        var preview = step.RenderPreview();
        var shown = blur ? ImageObscuring.Blur(preview) : preview;
        return PngWriter.Encode(shown.Width, shown.Height, shown.Pixels);
    }
}
