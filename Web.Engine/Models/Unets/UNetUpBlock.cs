using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>What the UNet needs from any up block: it consumes one skip state per resnet, last pushed first.</summary>
public abstract class UNetUpBlock(string name) : nn.Module(name)
{
    /// <summary>How many skip states the block consumes (its resnet count).</summary>
    public abstract int SkipCount { get; }

    /// <param name="res_hidden_states_tuple">The block's skip states in push order; the last is used first.</param>
    /// <param name="upsample_size">Exact [H, W] for the upsampler, or null to double.</param>
    public abstract Tensor forward(Tensor hidden_states, IReadOnlyList<Tensor> res_hidden_states_tuple, Tensor temb,
        Tensor encoder_hidden_states, long[]? upsample_size, UNetHooks? hooks);
}
