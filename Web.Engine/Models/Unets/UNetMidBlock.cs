using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>What the UNet needs from a mid block.</summary>
public abstract class UNetMidBlock(string name) : nn.Module(name)
{
    public abstract Tensor forward(Tensor hidden_states, Tensor temb, Tensor encoder_hidden_states, UNetHooks? hooks);
}
