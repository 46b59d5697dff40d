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
    private const int TextBatch = 32;

    public static void Score(ClipScore clip, IReadOnlyList<EvaluationCase> cases, List<ImageRecord> records)
    {
        var embedded = records.Where(r => r.ClipEmbedding is not null).ToList();
        if (embedded.Count == 0)
            return;
        var texts = cases.Select(c => c.Prompt).Concat(cases.Select(c => c.AudioCaption)).Distinct(StringComparer.Ordinal).ToList();
        var textRows = TextEmbeddings(clip, texts);

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
    private static double[,] CaptionSimilarities(List<ImageRecord> rows, Dictionary<string, float[]> textRows)
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

    private static Dictionary<string, float[]> TextEmbeddings(ClipScore clip, List<string> texts)
    {
        var rows = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var chunk in texts.Chunk(TextBatch))
        {
            using var scope = NewDisposeScope();
            var features = clip.TextFeatures(chunk);
            var values = features.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
            var width = values.Length / chunk.Length;
            for (var i = 0; i < chunk.Length; i++)
                rows[chunk[i]] = values[(i * width)..((i + 1) * width)];
        }
        return rows;
    }
}
