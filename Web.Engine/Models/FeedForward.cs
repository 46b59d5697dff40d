using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models;

/// <summary>
/// The transformer feed-forward with the GEGLU activation: <c>net.0</c> GEGLU (dim to inner), <c>net.1</c>
/// dropout, <c>net.2</c> linear (inner to dim).
/// </summary>
public sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    public readonly ModuleList<nn.Module<Tensor, Tensor>> net;

    public FeedForward(long dim, long? dim_out = null, long mult = 4, bool bias = true, Device? device = null)
        : base(nameof(FeedForward))
    {
        var inner_dim = dim * mult;
        net = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            new GEGLU(dim, inner_dim, bias, device),
            nn.Dropout(0.0),
            nn.Linear(inner_dim, dim_out ?? dim, hasBias: bias, device: device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        foreach (var module in net)
            hidden_states = module.forward(hidden_states);
        return scope.MoveToOuter(hidden_states);
    }
}
