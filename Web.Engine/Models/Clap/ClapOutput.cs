using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// transformers' <c>ClapOutput</c>: unit-length <see cref="TextEmbeds"/> (T, D) and <see cref="AudioEmbeds"/> (A, D),
/// <c>LogitsPerText = exp(logit_scale_t)·t·aᵀ</c> (T, A) and <c>LogitsPerAudio = exp(logit_scale_a)·a·tᵀ</c> (A, T);
/// the two scales are separate learned scalars. The caller owns all four.
/// </summary>
public sealed record ClapOutput(Tensor LogitsPerAudio, Tensor LogitsPerText, Tensor TextEmbeds, Tensor AudioEmbeds) : IDisposable
{
    public void Dispose()
    {
        LogitsPerAudio.Dispose();
        LogitsPerText.Dispose();
        TextEmbeds.Dispose();
        AudioEmbeds.Dispose();
    }
}
