using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>The feed-forward narrowing layer, residual, then LayerNorm (post-LN).</summary>
public sealed class ClapTextOutput : nn.Module<Tensor, Tensor, Tensor>
{
    public readonly Linear dense;
    public readonly LayerNorm LayerNorm;

    public ClapTextOutput(ClapTextConfig config, Device? device = null) : base(nameof(ClapTextOutput))
    {
        dense = nn.Linear(config.IntermediateSize, config.HiddenSize, device: device);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor widened, Tensor residual)
    {
        using var projected = dense.forward(widened);
        using var sum = projected.add(residual, Scalars.One);
        return LayerNorm.forward(sum);
    }
}
