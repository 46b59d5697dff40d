using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models;

/// <summary>
/// Gated GELU (Shazeer 2020): one projection to twice the width; the first half is the value, the second
/// half the gate, through the exact (erf) GELU.
/// </summary>
public sealed class GEGLU : nn.Module<Tensor, Tensor>
{
    public readonly nn.Module<Tensor, Tensor> proj;

    public GEGLU(long dim_in, long dim_out, bool bias = true, Device? device = null) : base(nameof(GEGLU))
    {
        proj = nn.Linear(dim_in, dim_out * 2, hasBias: bias, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var halves = proj.forward(hidden_states).chunk(2, dim: -1);
        return scope.MoveToOuter(halves[0] * nn.functional.gelu(halves[1]));
    }
}
