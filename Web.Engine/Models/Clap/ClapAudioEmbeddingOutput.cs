using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// transformers' <c>ClapAudioModelOutput</c> of <c>ClapAudioModelWithProjection</c>: <see cref="AudioEmbeds"/> is the
/// projection of the pooled output, <b>not</b> normalised (B, projection_dim); the encoder outputs come along.
/// The caller owns all three.
/// </summary>
public sealed record ClapAudioEmbeddingOutput(Tensor AudioEmbeds, Tensor LastHiddenState, Tensor PoolerOutput) : IDisposable
{
    public void Dispose()
    {
        AudioEmbeds.Dispose();
        LastHiddenState.Dispose();
        PoolerOutput.Dispose();
    }
}
