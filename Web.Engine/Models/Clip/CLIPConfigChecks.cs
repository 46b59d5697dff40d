namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>Checks that a CLIP config describes a model that can be built, before anything is allocated.</summary>
internal static class CLIPConfigChecks
{
    public static readonly IReadOnlyList<string> Activations = ["quick_gelu", "gelu"];

    public static void Encoder(ICLIPEncoderConfig config, string source)
    {
        Positive(source, ("hidden_size", config.HiddenSize), ("intermediate_size", config.IntermediateSize),
            ("num_hidden_layers", config.NumHiddenLayers), ("num_attention_heads", config.NumAttentionHeads));
        if (config.HiddenSize % config.NumAttentionHeads != 0)
            throw new InputException($"{source}: hidden_size {config.HiddenSize} is not divisible by num_attention_heads {config.NumAttentionHeads}");
        if (!Activations.Contains(config.HiddenAct))
            throw new InputException($"{source}: hidden_act '{config.HiddenAct}' is not supported (supported: {string.Join(", ", Activations)})");
        if (!(config.LayerNormEps > 0))
            throw new InputException($"{source}: layer_norm_eps must be positive, not {config.LayerNormEps}");
    }

    // Far beyond any real CLIP; keeps a corrupt config from asking for terabytes.
    private const long MaxDimension = 1 << 20;

    public static void Positive(string source, params (string Name, int Value)[] fields)
    {
        foreach (var (name, value) in fields)
            if (value <= 0 || value > MaxDimension)
                throw new InputException($"{source}: {name} must be between 1 and {MaxDimension}, not {value}");
    }
}
