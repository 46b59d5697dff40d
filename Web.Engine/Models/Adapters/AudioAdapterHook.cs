using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>
/// Plugs the adapters into one UNet forward pass. <paramref name="sampleScale"/> holds one factor per batch row,
/// 0 for rows computed without audio (the unconditional and text-only rows of dual guidance) and 1 for rows with
/// audio; levels whose strength is 0 are skipped entirely, so "no audio" is exactly the base UNet.
/// </summary>
public sealed class AudioAdapterHook(AudioAdapters adapters, HybridAudioTokens tokens, Tensor sampleScale, AudioStrength strength)
    : ITransformerBlockHook
{
    public Tensor? AfterCrossAttention(TransformerBlockSite site, Tensor hiddenStates)
    {
        var adapter = adapters.For(site);
        var levelStrength = strength.For(site.Level);
        if (adapter is null || levelStrength == 0)
            return null;
        using var scope = NewDisposeScope();
        // Mixed precision: a float16 UNet with float32 adapters computes the adapter in the adapters' dtype.
        var dtype = adapter.gate.dtype;
        var context = tokens.For(adapters.SourceFor(site.Level)).to(dtype);
        var addition = adapter.forward(hiddenStates.to(dtype), context);
        var scale = Scalars.Times(levelStrength, sampleScale.to(dtype)).view(-1, 1, 1);
        return (addition * scale).to(hiddenStates.dtype).MoveToOuterDisposeScope();
    }
}
