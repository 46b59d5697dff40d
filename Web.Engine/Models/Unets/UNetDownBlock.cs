using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>What the UNet needs from any down block: the new hidden states and the states it pushes for the skips.</summary>
public abstract class UNetDownBlock(string name) : nn.Module(name)
{
    public abstract (Tensor hidden_states, Tensor[] output_states) forward(
        Tensor hidden_states, Tensor temb, Tensor encoder_hidden_states, UNetHooks? hooks);
}
