using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>
/// transformers' <c>CLIPVisionTransformer</c>: embeddings, <c>pre_layrnorm</c> (the checkpoint's spelling),
/// an unmasked encoder, and <c>post_layernorm</c> applied to the class token only, which is the pooled output.
/// </summary>
public sealed class CLIPVisionTransformer : nn.Module
{
    public readonly CLIPVisionEmbeddings embeddings;
    public readonly LayerNorm pre_layrnorm;
    public readonly CLIPEncoder encoder;
    public readonly LayerNorm post_layernorm;

    public CLIPVisionTransformer(CLIPVisionConfig config, Device? device = null) : base(nameof(CLIPVisionTransformer))
    {
        embeddings = new CLIPVisionEmbeddings(config, device);
        pre_layrnorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        encoder = new CLIPEncoder(config, device);
        post_layernorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        RegisterComponents();
    }

    /// <param name="pixel_values">[batch, 3, image_size, image_size], normalised as <c>CLIPImageProcessor</c> does</param>
    /// <param name="output_hidden_states">also return the encoder's input (after <c>pre_layrnorm</c>) and every layer's output</param>
    public BaseModelOutputWithPooling forward(Tensor pixel_values, bool output_hidden_states = false)
    {
        using var scope = NewDisposeScope();
        var hidden = pre_layrnorm.forward(embeddings.forward(pixel_values));
        var (last, states) = encoder.forward(hidden, null, output_hidden_states);
        var pooled = post_layernorm.forward(last[.., 0, ..]);

        last.MoveToOuterDisposeScope();
        pooled.MoveToOuterDisposeScope();
        foreach (var state in states ?? [])
            state.MoveToOuterDisposeScope();
        return new BaseModelOutputWithPooling(last, pooled, states);
    }
}
