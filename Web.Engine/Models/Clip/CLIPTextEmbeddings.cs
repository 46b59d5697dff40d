using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>transformers' <c>CLIPTextEmbeddings</c>: token embedding plus learned absolute position embedding.</summary>
public sealed class CLIPTextEmbeddings : nn.Module<Tensor, Tensor>
{
    public readonly Embedding token_embedding;
    public readonly Embedding position_embedding;

    private readonly long vocabularySize;
    private readonly long maxPositions;

    public CLIPTextEmbeddings(CLIPTextConfig config, Device? device = null) : base(nameof(CLIPTextEmbeddings))
    {
        token_embedding = nn.Embedding(config.VocabSize, config.HiddenSize, device: device);
        position_embedding = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize, device: device);
        vocabularySize = config.VocabSize;
        maxPositions = config.MaxPositionEmbeddings;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input_ids)
    {
        if (input_ids.dim() != 2)
            throw new InputException($"input_ids must be [batch, length], not [{string.Join(", ", input_ids.shape)}]");
        var length = input_ids.shape[1];
        if (length > maxPositions)
            throw new InputException($"the text is {length} tokens long; this CLIP text encoder takes at most {maxPositions}");
        if (input_ids.numel() > 0 && (input_ids.min().item<long>() < 0 || input_ids.max().item<long>() >= vocabularySize))
            throw new InputException($"input_ids hold ids outside the vocabulary of {vocabularySize} tokens");

        using var scope = NewDisposeScope();
        // position_ids are arange(length); transformers keeps them in a buffer that checkpoints may or may not carry.
        using var end = length.ToScalar();
        var positions = arange(end, dtype: ScalarType.Int64, device: input_ids.device).unsqueeze(0);
        return token_embedding.forward(input_ids).add(position_embedding.forward(positions), Scalars.One).MoveToOuterDisposeScope();
    }
}
