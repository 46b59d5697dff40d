using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// torchmetrics' <c>CLIPScore</c>: per image-text pair 100·cos(image embedding, text embedding); the score is
/// the mean over all pairs seen, clamped at 0 (the mean is clamped, not each pair). Images go through
/// <see cref="CLIPImageProcessor"/>; texts are padded to the longest prompt of the batch with an attention
/// mask and, like torchmetrics, cut to the model's 77 positions when longer (which can drop the end token).
/// </summary>
public sealed class ClipScore(CLIPModel model, CLIPTokenizer tokenizer, CLIPImageProcessor? processor = null)
{
    // Made once rather than as a Scalar left to the finaliser on every batch (decision record 0010).
    private static readonly Scalar Hundred = 100.ToScalar();

    private readonly CLIPImageProcessor processor = processor ?? new CLIPImageProcessor();
    private double sum;
    private long count;

    /// <summary>Pairs scored so far.</summary>
    public long Count => count;

    /// <summary>Scores one batch of pairs, adds them to the running total and returns the per-pair scores.</summary>
    public IReadOnlyList<double> Update(IReadOnlyList<RgbImage> images, IReadOnlyList<string> texts)
    {
        if (images.Count != texts.Count)
            throw new InputException($"CLIP score needs one text per image; got {images.Count} images and {texts.Count} texts");
        if (images.Count == 0)
            return [];

        using var scope = NewDisposeScope();
        var scores = PerPair(ImageFeatures(images), TextFeatures(texts)).to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        sum += scores.Sum();
        count += scores.Length;
        return scores;
    }

    /// <summary>CLIP image embeddings [n, projection_dim], not normalised, as <see cref="Update"/> computes them.</summary>
    public Tensor ImageFeatures(IReadOnlyList<RgbImage> images)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var pixels = processor.Preprocess(images, model.logit_scale.device).to_type(model.logit_scale.dtype);
        return model.get_image_features(pixels).MoveToOuterDisposeScope();
    }

    /// <summary>CLIP text embeddings [n, projection_dim], not normalised, with torchmetrics' padding and truncation.</summary>
    public Tensor TextFeatures(IReadOnlyList<string> texts)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var device = model.logit_scale.device;
        var text = tokenizer.EncodeLongest(texts);
        var ids = text.InputIdsTensor(device);
        var mask = text.AttentionMaskTensor(device);
        var maxPositions = model.Config.TextConfig.MaxPositionEmbeddings;
        if (text.Length > maxPositions)
            (ids, mask) = (ids[.., ..maxPositions], mask[.., ..maxPositions]);
        return model.get_text_features(ids, mask).MoveToOuterDisposeScope();
    }

    /// <summary>max(mean of all pair scores so far, 0); 0 before any pair.</summary>
    public double Compute() => count == 0 ? 0 : Math.Max(sum / count, 0);

    /// <summary>100·cos between matching rows: [n] from two [n, d] embedding tensors.</summary>
    public static Tensor PerPair(Tensor imageEmbeds, Tensor textEmbeds)
    {
        using var scope = NewDisposeScope();
        var image = imageEmbeds / imageEmbeds.norm(-1, keepdim: true);
        var text = textEmbeds / textEmbeds.norm(-1, keepdim: true);
        return (Hundred * (image * text).sum(-1)).MoveToOuterDisposeScope();
    }

    /// <summary>torchmetrics' functional <c>clip_score</c> from per-pair scores: max(mean, 0).</summary>
    public static Tensor Aggregate(Tensor perPair)
    {
        using var scope = NewDisposeScope();
        return perPair.mean().clamp_min(Scalars.Zero).MoveToOuterDisposeScope();
    }
}
