using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>The feed-forward widening layer and activation (exact GELU for RoBERTa).</summary>
public sealed class ClapTextIntermediate : nn.Module<Tensor, Tensor>
{
    public readonly Linear dense;
    private readonly string activation;

    public ClapTextIntermediate(ClapTextConfig config, Device? device = null) : base(nameof(ClapTextIntermediate))
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize, device: device);
        activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var widened = dense.forward(hidden);
        return ClapActivation.Apply(activation, widened);
    }
}
