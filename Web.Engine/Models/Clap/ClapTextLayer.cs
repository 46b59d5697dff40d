using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>One post-LN BERT layer: attention block, then feed-forward block.</summary>
public sealed class ClapTextLayer : nn.Module<Tensor, Tensor, Tensor>
{
    public readonly ClapTextAttention attention;
    public readonly ClapTextIntermediate intermediate;
    public readonly ClapTextOutput output;

    public ClapTextLayer(ClapTextConfig config, Device? device = null) : base(nameof(ClapTextLayer))
    {
        attention = new ClapTextAttention(config, device);
        intermediate = new ClapTextIntermediate(config, device);
        output = new ClapTextOutput(config, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor maskBias)
    {
        using var attended = attention.forward(hidden, maskBias);
        using var widened = intermediate.forward(attended);
        return output.forward(widened, attended);
    }
}
