using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>The attention's output projection (its dropout is inactive at inference and has no weights).</summary>
public sealed class ClapAudioSelfOutput : nn.Module<Tensor, Tensor>
{
    public readonly Linear dense;

    public ClapAudioSelfOutput(int dim, Device? device = null) : base(nameof(ClapAudioSelfOutput))
    {
        dense = nn.Linear(dim, dim, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor context) => dense.forward(context);
}
