using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// transformers' <c>ClapTextModel</c>: RoBERTa (post-LN BERT layers, exact GELU) with its tanh pooler. Token ids
/// come from the RoBERTa byte-level BPE tokenizer: <c>&lt;s&gt;</c>=0, <c>&lt;pad&gt;</c>=1, <c>&lt;/s&gt;</c>=2.
/// </summary>
public sealed class ClapTextModel : nn.Module<Tensor, Tensor?, ClapTextModelOutput>
{
    public readonly ClapTextEmbeddings embeddings;
    public readonly ClapTextEncoder encoder;
    public readonly ClapTextPooler pooler;

    public ClapTextModel(ClapTextConfig config, Device? device = null) : base(nameof(ClapTextModel))
    {
        Config = config;
        embeddings = new ClapTextEmbeddings(config, device);
        encoder = new ClapTextEncoder(config, device);
        pooler = new ClapTextPooler(config, device);
        RegisterComponents();
    }

    public ClapTextConfig Config { get; }

    /// <param name="input_ids">(B, L) token ids, any integer type, on any device.</param>
    /// <param name="attention_mask">(B, L), 1 on real tokens and 0 on padding; null attends to every token.</param>
    public override ClapTextModelOutput forward(Tensor input_ids, Tensor? attention_mask = null)
    {
        using var scope = NewDisposeScope();
        var weight = embeddings.word_embeddings.weight!;
        var ids = CheckedIds(input_ids).to(weight.device);
        var maskBias = MaskBias(ids, attention_mask, weight.dtype, weight.device);

        var hidden = encoder.forward(embeddings.forward(ids), maskBias);
        var pooled = pooler.forward(hidden);
        return new ClapTextModelOutput(hidden.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope());
    }

    private Tensor CheckedIds(Tensor inputIds)
    {
        var shape = "[" + string.Join(", ", inputIds.shape) + "]";
        if (inputIds.dim() != 2 || inputIds.shape[0] < 1 || inputIds.shape[1] < 1)
            throw new InputException($"CLAP text input_ids must be (batch, tokens) with at least one token, not {shape}");
        if (inputIds.is_floating_point() || inputIds.is_complex() || inputIds.dtype == ScalarType.Bool)
            throw new InputException($"CLAP text input_ids must hold integer token ids, not {inputIds.dtype}");
        var ids = inputIds.to_type(ScalarType.Int64);
        var (lowest, highest) = (ids.min().item<long>(), ids.max().item<long>());
        if (lowest < 0 || highest >= Config.VocabSize)
            throw new InputException($"CLAP text input_ids hold token id {(lowest < 0 ? lowest : highest)}, outside the vocabulary 0..{Config.VocabSize - 1}");
        using var padding = Config.PadTokenId.ToScalar();
        var longest = ids.ne(padding).sum(1).max().item<long>();
        if (longest > Config.MaxSequenceLength)
            throw new InputException($"a CLAP text prompt has {longest} tokens; the text encoder takes at most {Config.MaxSequenceLength} " +
                "(truncate when tokenizing)");
        return ids;
    }

    /// <summary><c>(1 − mask) · finfo(dtype).min</c>, shaped (B, 1, 1, L) to add to every head's scores.</summary>
    private static Tensor MaskBias(Tensor ids, Tensor? attentionMask, ScalarType dtype, Device device)
    {
        if (attentionMask is null)
            return zeros(ids.shape[0], 1, 1, ids.shape[1], dtype: dtype, device: device);
        if (!attentionMask.shape.SequenceEqual(ids.shape))
            throw new InputException($"CLAP text attention_mask [{string.Join(", ", attentionMask.shape)}] must have the shape of input_ids [{string.Join(", ", ids.shape)}]");
        var mask = attentionMask.to(dtype, device).view(ids.shape[0], 1, 1, ids.shape[1]);
        using var lowest = finfo(dtype).min.ToScalar();
        return mask.neg().add(Scalars.OneDouble, Scalars.One) * lowest;
    }
}
