using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models;

/// <summary>Two linear layers with an activation between them (and an optional one after) on the sinusoidal embedding.</summary>
public sealed class TimestepEmbedding : nn.Module<Tensor, Tensor>
{
    public readonly nn.Module<Tensor, Tensor> linear_1;
    public readonly nn.Module<Tensor, Tensor> linear_2;

    private readonly Func<Tensor, Tensor> act;
    private readonly Func<Tensor, Tensor>? post_act;

    public TimestepEmbedding(long in_channels, long time_embed_dim, string act_fn = "silu", string? post_act_fn = null,
        Device? device = null) : base(nameof(TimestepEmbedding))
    {
        act = Activations.Get(act_fn);
        post_act = post_act_fn is null ? null : Activations.Get(post_act_fn);
        linear_1 = nn.Linear(in_channels, time_embed_dim, device: device);
        linear_2 = nn.Linear(time_embed_dim, time_embed_dim, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor sample)
    {
        using var scope = NewDisposeScope();
        sample = linear_2.forward(act(linear_1.forward(sample)));
        if (post_act is not null)
            sample = post_act(sample);
        return scope.MoveToOuter(sample);
    }
}
