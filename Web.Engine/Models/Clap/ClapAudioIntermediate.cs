using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>The MLP's widening layer and activation (C → mlp_ratio·C).</summary>
public sealed class ClapAudioIntermediate : nn.Module<Tensor, Tensor>
{
    public readonly Linear dense;
    private readonly string activation;

    public ClapAudioIntermediate(ClapAudioConfig config, int dim, Device? device = null) : base(nameof(ClapAudioIntermediate))
    {
        dense = nn.Linear(dim, config.IntermediateSize(dim), device: device);
        activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var widened = dense.forward(hidden);
        return ClapActivation.Apply(activation, widened);
    }
}
