using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>
/// Dual classifier-free guidance: eps = eps_uncond + s_text (eps_text - eps_uncond) + s_audio (eps_text_audio - eps_text).
/// With no audio row it is ordinary classifier-free guidance; without an unconditional row (s_text &lt;= 1) the
/// text prediction stands in for it.
/// </summary>
public static class Guidance
{
    public static Tensor Combine(Tensor? uncond, Tensor text, Tensor? textAudio, double textScale, double audioScale)
    {
        var eps = uncond is null ? text : uncond.add(Scalars.Times(textScale, text - uncond), Scalars.One);
        return textAudio is null ? eps : eps.add(Scalars.Times(audioScale, textAudio - text), Scalars.One);
    }
}
