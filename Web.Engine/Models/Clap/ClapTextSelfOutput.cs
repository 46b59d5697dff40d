using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>Attention output projection, residual, then LayerNorm (post-LN).</summary>
public sealed class ClapTextSelfOutput : nn.Module<Tensor, Tensor, Tensor>
{
    public readonly Linear dense;
    public readonly LayerNorm LayerNorm;

    public ClapTextSelfOutput(ClapTextConfig config, Device? device = null) : base(nameof(ClapTextSelfOutput))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor context, Tensor residual)
    {
        using var projected = dense.forward(context);
        using var sum = projected.add(residual, Scalars.One);
        return LayerNorm.forward(sum);
    }
}
