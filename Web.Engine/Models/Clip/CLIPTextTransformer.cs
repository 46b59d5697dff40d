using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>
/// transformers' <c>CLIPTextTransformer</c>: embeddings, a causally masked encoder, <c>final_layer_norm</c>,
/// and the pooled vector taken at each row's end-of-text token.
/// </summary>
public sealed class CLIPTextTransformer : nn.Module
{
    public readonly CLIPTextEmbeddings embeddings;
    public readonly CLIPEncoder encoder;
    public readonly LayerNorm final_layer_norm;

    private readonly int eosTokenId;

    public CLIPTextTransformer(CLIPTextConfig config, Device? device = null) : base(nameof(CLIPTextTransformer))
    {
        embeddings = new CLIPTextEmbeddings(config, device);
        encoder = new CLIPEncoder(config, device);
        final_layer_norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        eosTokenId = config.EosTokenId;
        RegisterComponents();
    }

    /// <param name="input_ids">[batch, length] int64 token ids</param>
    /// <param name="attention_mask">optional [batch, length], 1 on real tokens and 0 on padding; Stable Diffusion passes none</param>
    /// <param name="output_hidden_states">also return the embeddings and every layer's output (before <c>final_layer_norm</c>)</param>
    public BaseModelOutputWithPooling forward(Tensor input_ids, Tensor? attention_mask = null, bool output_hidden_states = false)
    {
        using var scope = NewDisposeScope();
        var hidden = embeddings.forward(input_ids);
        var mask = CausalMask(input_ids.shape[1], hidden.dtype, hidden.device);
        if (attention_mask is not null)
            mask = mask.add(PaddingMask(attention_mask, input_ids.shape, hidden.dtype), Scalars.One);

        var (last, states) = encoder.forward(hidden, mask, output_hidden_states);
        var lastHiddenState = final_layer_norm.forward(last);
        using var batch = input_ids.shape[0].ToScalar();
        var rows = arange(batch, dtype: ScalarType.Int64, device: input_ids.device);
        var pooled = lastHiddenState[rows, PooledIndex(input_ids)];

        var result = new BaseModelOutputWithPooling(lastHiddenState, pooled, states);
        lastHiddenState.MoveToOuterDisposeScope();
        pooled.MoveToOuterDisposeScope();
        foreach (var state in states ?? [])
            state.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>
    /// Where each row is pooled. With the legacy <c>eos_token_id</c> 2 (Stable Diffusion 1.5, openai CLIP) that is
    /// the first occurrence of the largest id, which is the end-of-text token; otherwise the first position
    /// holding <c>eos_token_id</c> (0 when there is none).
    /// </summary>
    public Tensor PooledIndex(Tensor input_ids)
    {
        if (eosTokenId == 2)
            return input_ids.argmax(-1);
        using var scope = NewDisposeScope();
        using var eos = eosTokenId.ToScalar();
        return input_ids.eq(eos).to_type(ScalarType.Int32).argmax(-1).MoveToOuterDisposeScope();
    }

    // Position i sees positions j <= i only; the dtype's lowest value (not -inf) is what transformers adds.
    private static Tensor CausalMask(long length, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        using var lowest = finfo(dtype).min.ToScalar();
        return full(length, length, lowest, dtype: dtype, device: device).triu(1).view(1, 1, length, length).MoveToOuterDisposeScope();
    }

    private static Tensor PaddingMask(Tensor attention_mask, long[] idsShape, ScalarType dtype)
    {
        if (!attention_mask.shape.SequenceEqual(idsShape))
            throw new InputException($"attention_mask [{string.Join(", ", attention_mask.shape)}] does not match input_ids [{string.Join(", ", idsShape)}]");
        using var lowest = finfo(dtype).min.ToScalar();
        var inverted = attention_mask.to_type(dtype).view(idsShape[0], 1, 1, idsShape[1]).neg().add(Scalars.OneDouble, Scalars.One);
        return inverted * lowest;
    }
}
