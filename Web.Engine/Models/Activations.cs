using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models;

/// <summary>
/// diffusers' <c>get_activation</c>: the activation names a config may use. They carry no parameters,
/// so models keep them as functions rather than registered submodules.
/// </summary>
public static class Activations
{
    public static IReadOnlyList<string> Names { get; } = ["swish", "silu", "mish", "gelu", "relu"];

    public static Func<Tensor, Tensor> Get(string name) => name.ToLowerInvariant() switch
    {
        "swish" or "silu" => x => nn.functional.silu(x),
        "mish" => x => nn.functional.mish(x),
        "gelu" => x => nn.functional.gelu(x),
        "relu" => x => nn.functional.relu(x),
        _ => throw new InputException($"unsupported activation function '{name}'; supported: {string.Join(", ", Names)}"),
    };
}
