using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// The CLIP scores of a run, once every image has its embedding: CLIP score against the prompt, alignment
/// against the caption of the case's own audio (both torchmetrics' 100·cos), and per variant the AIS-style rank
/// of the own caption among all cases' captions (<see cref="AlignmentRank"/>). For shuffled audio the own
/// caption is still the case's, so that variant's alignment falls towards chance when images follow their sound.
/// </summary>
internal static class ClipAlignment
{
    /// <param name="textRows">The CLIP text embedding of every case's prompt and audio caption, by text.</param>
    public static void Score(IReadOnlyDictionary<string, float[]> textRows, List<ImageRecord> records)
    {
        var embedded = records.Where(r => r.ClipEmbedding is not null).ToList();
        if (embedded.Count == 0)
            return;

        using var scope = NewDisposeScope();
        var images = stack(embedded.Select(r => tensor(r.ClipEmbedding!)).ToList());
        var prompts = stack(embedded.Select(r => tensor(textRows[r.Case.Prompt])).ToList());
        var captions = stack(embedded.Select(r => tensor(textRows[r.Case.AudioCaption])).ToList());
        var clipScores = ClipScore.PerPair(images, prompts).to_type(ScalarType.Float64).data<double>().ToArray();
        var alignments = ClipScore.PerPair(images, captions).to_type(ScalarType.Float64).data<double>().ToArray();
        for (var i = 0; i < embedded.Count; i++)
        {
            embedded[i].ClipScore = clipScores[i];
            embedded[i].Alignment = alignments[i];
        }

        foreach (var variant in embedded.GroupBy(r => r.Variant))
        {
            var rows = variant.ToList();
            var similarity = CaptionSimilarities(rows, textRows);
            var ranks = AlignmentRank.PerImage(similarity);
            for (var i = 0; i < ranks.Length; i++)
                rows[i].AlignmentRank = ranks[i];
        }
    }

    // Row i: image i; column j: the caption of image j's case.
    private static double[,] CaptionSimilarities(List<ImageRecord> rows, IReadOnlyDictionary<string, float[]> textRows)
    {
        using var scope = NewDisposeScope();
        var images = Normalize(stack(rows.Select(r => tensor(r.ClipEmbedding!)).ToList()).to_type(ScalarType.Float64));
        var captions = Normalize(stack(rows.Select(r => tensor(textRows[r.Case.AudioCaption])).ToList()).to_type(ScalarType.Float64));
        var values = images.matmul(captions.t()).contiguous().data<double>().ToArray();
        var matrix = new double[rows.Count, rows.Count];
        Buffer.BlockCopy(values, 0, matrix, 0, values.Length * sizeof(double));
        return matrix;
    }

    private static Tensor Normalize(Tensor rows) => rows / rows.norm(-1, keepdim: true);

    /// <summary>
    /// The text embeddings of one case's prompt and audio caption, in one batch of their own, so that a text's
    /// embedding never depends on which other cases share its shard.
    /// </summary>
    public static (float[] Prompt, float[] Caption) TextEmbeddings(ClipScore clip, EvaluationCase evaluationCase)
    {
        var texts = new[] { evaluationCase.Prompt, evaluationCase.AudioCaption }.Distinct(StringComparer.Ordinal).ToArray();
        using var scope = NewDisposeScope();
        var features = clip.TextFeatures(texts);
        var values = features.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        var width = values.Length / texts.Length;
        var prompt = values[..width];
        return (prompt, texts.Length == 1 ? prompt : values[width..]);
    }
}
