using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>
/// The audio cross-attention added to one UNet transformer block: LayerNorm of the block's stream, attention to
/// the audio tokens routed to the block's level, an output projection, and a learnable gate. With tanh the gate
/// starts at 0; with sigmoid the output projection starts at 0. Either way an untrained adapter adds exactly
/// zero, so the base UNet's output is unchanged until training moves it.
/// </summary>
public sealed class GatedHierarchicalAttention : nn.Module
{
    public readonly nn.Module<Tensor, Tensor> norm;
    public readonly nn.Module<Tensor, Tensor> to_q;
    public readonly nn.Module<Tensor, Tensor> to_k;
    public readonly nn.Module<Tensor, Tensor> to_v;
    public readonly ModuleList<nn.Module<Tensor, Tensor>> to_out;
    public readonly Parameter gate;

    private readonly long heads;
    private readonly bool sigmoidGate;

    public GatedHierarchicalAttention(long channels, long contextDim, long innerDim, long heads, string gateActivation, double gateInit, Device? device = null)
        : base(nameof(GatedHierarchicalAttention))
    {
        this.heads = heads;
        sigmoidGate = gateActivation == "sigmoid";
        norm = nn.LayerNorm(channels, device: device);
        to_q = nn.Linear(channels, innerDim, hasBias: false, device: device);
        to_k = nn.Linear(contextDim, innerDim, hasBias: false, device: device);
        to_v = nn.Linear(contextDim, innerDim, hasBias: false, device: device);
        to_out = nn.ModuleList<nn.Module<Tensor, Tensor>>(nn.Linear(innerDim, channels, device: device), nn.Dropout(0.0));
        using (var initialGate = gateInit.ToScalar())
            gate = new Parameter(full(Array.Empty<long>(), initialGate, device: device));
        if (sigmoidGate && device?.type != TorchSharp.DeviceType.META)
        {
            using var noGrad = no_grad();
            foreach (var (_, parameter) in to_out[0].named_parameters())
                InPlace.Apply(parameter, p => p.zero_());
        }
        RegisterComponents();
    }

    /// <summary>The gate after its activation: tanh(g) or sigmoid(g).</summary>
    public Tensor GateValue() => sigmoidGate ? gate.sigmoid() : gate.tanh();

    /// <param name="hiddenStates">The block's stream, [B, N, C].</param>
    /// <param name="audioTokens">The routed audio tokens, [B, M, D].</param>
    /// <returns>What to add to the stream, [B, N, C].</returns>
    public Tensor forward(Tensor hiddenStates, Tensor audioTokens)
    {
        using var scope = NewDisposeScope();
        var batch = hiddenStates.shape[0];
        var query = to_q.call(norm.call(hiddenStates));
        var key = to_k.call(audioTokens);
        var value = to_v.call(audioTokens);
        var headDim = query.shape[^1] / heads;
        query = query.view(batch, -1, heads, headDim).transpose(1, 2);
        key = key.view(batch, -1, heads, headDim).transpose(1, 2);
        value = value.view(batch, -1, heads, headDim).transpose(1, 2);
        var attended = nn.functional.scaled_dot_product_attention(query, key, value).transpose(1, 2).reshape(batch, -1, heads * headDim);
        var output = to_out[1].call(to_out[0].call(attended));
        return (output * GateValue()).MoveToOuterDisposeScope();
    }
}
