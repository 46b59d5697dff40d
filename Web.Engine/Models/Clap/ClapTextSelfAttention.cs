using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>BERT multi-head self-attention; the additive mask bias hides padding keys.</summary>
public sealed class ClapTextSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    public readonly Linear query;
    public readonly Linear key;
    public readonly Linear value;

    private readonly int numHeads;
    private readonly int headSize;

    public ClapTextSelfAttention(ClapTextConfig config, Device? device = null) : base(nameof(ClapTextSelfAttention))
    {
        numHeads = config.NumAttentionHeads;
        headSize = config.HiddenSize / config.NumAttentionHeads;
        query = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        key = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        value = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        RegisterComponents();
    }

    /// <param name="hidden">(B, L, H).</param>
    /// <param name="maskBias">(B, 1, 1, L): 0 on real tokens, the dtype's lowest value on padding.</param>
    public override Tensor forward(Tensor hidden, Tensor maskBias)
    {
        using var scope = NewDisposeScope();
        var (batch, length) = (hidden.shape[0], hidden.shape[1]);
        var q = query.forward(hidden).view(batch, length, numHeads, headSize).transpose(1, 2);
        var k = key.forward(hidden).view(batch, length, numHeads, headSize).transpose(1, 2);
        var v = value.forward(hidden).view(batch, length, numHeads, headSize).transpose(1, 2);
        var scores = Scalars.DividedBy(q.matmul(k.transpose(-1, -2)), Math.Sqrt(headSize)).add(maskBias, Scalars.One);
        var context = scores.softmax(-1).matmul(v).transpose(1, 2).reshape(batch, length, numHeads * headSize);
        return context.MoveToOuterDisposeScope();
    }
}
