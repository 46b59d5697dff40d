using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>
/// PEFT's LoRA for one frozen linear projection: <c>lora_B(lora_A(x)) * alpha / r</c> is added to the projection's
/// output, the projection itself untouched. <c>lora_A</c> [r, in] starts as a linear layer's usual random
/// initialisation and <c>lora_B</c> [out, r] at zero, so an untrained LoRA adds exactly zero. The field names are
/// PEFT's, so the state-dict keys below a projection's path are the ones diffusers' <c>load_lora_weights</c> reads.
/// </summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    public readonly nn.Module<Tensor, Tensor> lora_A;
    public readonly nn.Module<Tensor, Tensor> lora_B;

    private readonly Scalar scaling;

    public LoraLinear(long inFeatures, long outFeatures, int rank, double alpha, Device? device = null) : base(nameof(LoraLinear))
    {
        if (rank < 1)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, "a LoRA needs rank 1 or more");
        Rank = rank;
        Alpha = alpha;
        scaling = (alpha / rank).ToScalar();
        lora_A = nn.Linear(inFeatures, rank, hasBias: false, device: device);
        lora_B = nn.Linear(rank, outFeatures, hasBias: false, device: device);
        if (device?.type != TorchSharp.DeviceType.META)
        {
            using var noGrad = no_grad();
            foreach (var (_, parameter) in lora_B.named_parameters())
                InPlace.Apply(parameter, p => p.zero_());
        }
        RegisterComponents();
    }

    public int Rank { get; }

    public double Alpha { get; }

    /// <summary>What the LoRA adds to the projection's output for input <paramref name="input"/>.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var dtype = lora_A.parameters().First().dtype;
        var delta = lora_B.forward(lora_A.forward(input.to(dtype))).mul(scaling);
        return delta.to(input.dtype).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            scaling.Dispose();
        base.Dispose(disposing);
    }
}
