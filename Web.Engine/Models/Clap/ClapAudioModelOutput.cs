using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// What the HTSAT encoder returns, as transformers does: <see cref="LastHiddenState"/> is the grouped 4-D
/// (B, C, 2, 32) tensor (final LayerNorm tokens regrouped by frequency band), <see cref="PoolerOutput"/> the
/// mean over the 64 final tokens (B, C). The caller owns both.
/// </summary>
public sealed record ClapAudioModelOutput(Tensor LastHiddenState, Tensor PoolerOutput) : IDisposable
{
    public void Dispose()
    {
        LastHiddenState.Dispose();
        PoolerOutput.Dispose();
    }
}
