using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>Window attention followed by its output projection (keys <c>attention.self.*</c>, <c>attention.output.*</c>).</summary>
public sealed class ClapAudioAttention : nn.Module<Tensor, Tensor?, Tensor>
{
    public readonly ClapAudioSelfAttention self;
    public readonly ClapAudioSelfOutput output;

    public ClapAudioAttention(ClapAudioConfig config, int dim, int numHeads, Device? device = null) : base(nameof(ClapAudioAttention))
    {
        self = new ClapAudioSelfAttention(config, dim, numHeads, device);
        output = new ClapAudioSelfOutput(dim, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor windows, Tensor? shiftMask)
    {
        using var context = self.forward(windows, shiftMask);
        return output.forward(context);
    }
}
