using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>The text encoder's outputs: every token's final state (B, L, H) and the tanh-pooled <c>&lt;s&gt;</c> state (B, H). The caller owns both.</summary>
public sealed record ClapTextModelOutput(Tensor LastHiddenState, Tensor PoolerOutput) : IDisposable
{
    public void Dispose()
    {
        LastHiddenState.Dispose();
        PoolerOutput.Dispose();
    }
}
