using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>The MLP's narrowing layer (mlp_ratio·C → C).</summary>
public sealed class ClapAudioOutput : nn.Module<Tensor, Tensor>
{
    public readonly Linear dense;

    public ClapAudioOutput(ClapAudioConfig config, int dim, Device? device = null) : base(nameof(ClapAudioOutput))
    {
        dense = nn.Linear(config.IntermediateSize(dim), dim, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden) => dense.forward(hidden);
}
