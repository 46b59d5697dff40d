using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>tanh(dense(h[:, 0])): the state of the <c>&lt;s&gt;</c> token summarises the sentence.</summary>
public sealed class ClapTextPooler : nn.Module<Tensor, Tensor>
{
    public readonly Linear dense;

    public ClapTextPooler(ClapTextConfig config, Device? device = null) : base(nameof(ClapTextPooler))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var first = hidden.select(1, 0);
        using var projected = dense.forward(first);
        return projected.tanh();
    }
}
