using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// RoBERTa embeddings: token + token type 0 + absolute position, then LayerNorm. Positions count real tokens
/// from padding_idx + 1; padding tokens get position padding_idx.
/// </summary>
public sealed class ClapTextEmbeddings : nn.Module<Tensor, Tensor>
{
    public readonly Embedding word_embeddings;
    public readonly Embedding position_embeddings;
    public readonly Embedding token_type_embeddings;
    public readonly LayerNorm LayerNorm;

    private readonly ClapTextConfig config;

    public ClapTextEmbeddings(ClapTextConfig config, Device? device = null) : base(nameof(ClapTextEmbeddings))
    {
        this.config = config;
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId, device: device);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize, padding_idx: config.PadTokenId, device: device);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize, device: device);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps, device: device);
        RegisterComponents();
    }

    /// <summary><c>cumsum(ids ≠ pad) · (ids ≠ pad) + pad</c>, as transformers' create_position_ids_from_input_ids.</summary>
    public static Tensor CreatePositionIds(Tensor inputIds, long paddingIdx)
    {
        using var scope = NewDisposeScope();
        using var padding = paddingIdx.ToScalar();
        var mask = inputIds.ne(padding).to_type(ScalarType.Int32);
        var incremental = mask.cumsum(1).to_type(ScalarType.Int32) * mask;
        return incremental.to_type(ScalarType.Int64).add(padding, Scalars.One).MoveToOuterDisposeScope();
    }

    /// <param name="input_ids">(B, L) token ids, checked by <see cref="ClapTextModel"/>.</param>
    public override Tensor forward(Tensor input_ids)
    {
        using var scope = NewDisposeScope();
        var positionIds = CreatePositionIds(input_ids, config.PadTokenId);
        var tokenTypeIds = zeros_like(input_ids, dtype: ScalarType.Int64);
        var embeddings = word_embeddings.forward(input_ids).add(token_type_embeddings.forward(tokenTypeIds), Scalars.One);
        embeddings = embeddings.add(position_embeddings.forward(positionIds), Scalars.One);
        return LayerNorm.forward(embeddings).MoveToOuterDisposeScope();
    }
}
