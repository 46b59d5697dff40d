using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>The entries of transformers' <c>ACT2FN</c> that CLAP configs use, by their config names.</summary>
public static class ClapActivation
{
    public static IReadOnlyList<string> Names { get; } =
        ["gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "quick_gelu", "relu", "silu", "swish", "tanh"];

    public static void Validate(string name, string what)
    {
        if (!Names.Contains(name))
            throw new InputException($"{what} '{name}' is not supported; use one of {string.Join(", ", Names)}");
    }

    public static Tensor Apply(string name, Tensor x) => name switch
    {
        "gelu" => nn.functional.gelu(x),
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "quick_gelu" => QuickGelu(x),
        "relu" => nn.functional.relu(x),
        "silu" or "swish" => nn.functional.silu(x),
        "tanh" => x.tanh(),
        _ => throw new InputException($"activation '{name}' is not supported; use one of {string.Join(", ", Names)}"),
    };

    // Made once: a literal here would be a Scalar left to the finaliser on every call (decision record 0010).
    private static readonly Scalar QuickGeluSlope = 1.702.ToScalar();

    private static Tensor QuickGelu(Tensor x)
    {
        using var scaled = x * QuickGeluSlope;
        using var gate = scaled.sigmoid();
        return x * gate;
    }
}
