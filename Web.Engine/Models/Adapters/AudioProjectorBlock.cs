using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>One pre-LayerNorm transformer block of the audio projector: self-attention, then a GELU MLP.</summary>
public sealed class AudioProjectorBlock : nn.Module<Tensor, Tensor>
{
    public readonly nn.Module<Tensor, Tensor> norm1;
    public readonly Attention attn;
    public readonly nn.Module<Tensor, Tensor> norm2;
    public readonly AudioProjectorMlp mlp;

    public AudioProjectorBlock(long width, long heads, double mlpRatio, Device? device = null) : base(nameof(AudioProjectorBlock))
    {
        norm1 = nn.LayerNorm(width, device: device);
        attn = new Attention(width, heads: heads, dim_head: width / heads, bias: true, device: device);
        norm2 = nn.LayerNorm(width, device: device);
        mlp = new AudioProjectorMlp(width, (long)Math.Round(width * mlpRatio), device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => forward(x, null);

    /// <param name="attentionMask">Additive self-attention mask [L, L] (0 keeps, -inf drops), or null for full attention.</param>
    public Tensor forward(Tensor x, Tensor? attentionMask)
    {
        x = x.add(attn.forward(norm1.call(x), attention_mask: attentionMask), Scalars.One);
        return x.add(mlp.call(norm2.call(x)), Scalars.One);
    }
}

public sealed class AudioProjectorMlp : nn.Module<Tensor, Tensor>
{
    public readonly nn.Module<Tensor, Tensor> fc1;
    public readonly nn.Module<Tensor, Tensor> fc2;

    public AudioProjectorMlp(long width, long hidden, Device? device = null) : base(nameof(AudioProjectorMlp))
    {
        fc1 = nn.Linear(width, hidden, device: device);
        fc2 = nn.Linear(hidden, width, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => fc2.call(nn.functional.gelu(fc1.call(x)));
}
