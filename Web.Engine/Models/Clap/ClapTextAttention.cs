using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>Self-attention and its post-LN output (keys <c>attention.self.*</c>, <c>attention.output.*</c>).</summary>
public sealed class ClapTextAttention : nn.Module<Tensor, Tensor, Tensor>
{
    public readonly ClapTextSelfAttention self;
    public readonly ClapTextSelfOutput output;

    public ClapTextAttention(ClapTextConfig config, Device? device = null) : base(nameof(ClapTextAttention))
    {
        self = new ClapTextSelfAttention(config, device);
        output = new ClapTextSelfOutput(config, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor maskBias)
    {
        using var context = self.forward(hidden, maskBias);
        return output.forward(context, hidden);
    }
}
