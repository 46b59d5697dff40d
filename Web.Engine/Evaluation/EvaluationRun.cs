using System.Diagnostics;
using System.Globalization;
using Clap2Diffusion.Engine.Evaluation.Fid;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Evaluation.Sharding;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training.Metrics;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// The evaluation run: every case under every variant through the generator (same prompt and seed per case),
/// each image saved and measured as soon as it exists (so memory does not grow with the run), then the scores
/// that need all images (alignment ranks, distances), the summary per relation with bootstrap intervals, the
/// acceptance checks, the design's success criteria, the report folder and one metric record of kind "eval".
/// The first half runs per shard of cases (<see cref="ExecuteShard"/>), the second in <see cref="EvaluationMerge"/>;
/// <see cref="Execute"/> is the one-shard case of both (decision record 0026).
/// </summary>
public sealed class EvaluationRun(IEvaluationSource source, IPairGenerator generator, EvaluationMeasures measures,
    EvaluationSettings settings, IMetricSink? sink = null)
{
    /// <summary>The whole run: every case as one shard, merged on its own, so that one worker and many share one code path.</summary>
    public EvaluationReport Execute(IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var shard = ExecuteShard(EvaluationShard.All(source.Cases.Count), progress, cancellationToken);
        return EvaluationMerge.Merge([new EvaluationShardInput(shard, settings.OutputFolder)], settings.OutputFolder, sink, progress,
            cancellationToken);
    }

    /// <summary>
    /// Generates and measures the shard's cases only, saving their images under the output folder, and returns
    /// what the merge needs of them. The shuffled-audio partner of a case is drawn over the full case list, so a
    /// case pairs with the same sound whichever shard it falls in.
    /// </summary>
    public EvaluationShardResult ExecuteShard(EvaluationShard shard, IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (settings.GridRows < 0)
            throw new InputException($"the grid cannot show {settings.GridRows} rows");
        var cases = source.Cases;
        if (cases.Count == 0)
            throw new InputException($"{source.Description} has no case to evaluate");
        if (shard.TotalCases != cases.Count)
            throw new InputException($"the shard cuts a list of {shard.TotalCases} cases, but {source.Description} has {cases.Count}");
        var notes = new List<string>();
        var variants = settings.Variants.ToList();
        if (variants.Contains(PairVariant.ShuffledAudio) && cases.Count < 2)
        {
            variants.Remove(PairVariant.ShuffledAudio);
            notes.Add("shuffled audio needs at least two cases; that variant was left out");
        }
        if (variants.Count == 0)
            throw new InputException("no variant to generate");
        Directory.CreateDirectory(settings.OutputFolder);

        var partners = Partners(cases.Count);
        var shardCases = new List<ShardCase>();
        var total = shard.CaseIndices.Count * variants.Count;
        var done = 0;
        foreach (var i in shard.CaseIndices)
        {
            var evaluationCase = cases[i];
            var audio = source.Audio(evaluationCase);
            EvaluationAudio? shuffled = null;
            var caseRecords = new List<ImageRecord>();
            var images = new List<RgbImage>();
            foreach (var variant in variants)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var requestAudio = variant switch
                {
                    PairVariant.TextOnly => null,
                    PairVariant.ShuffledAudio => shuffled ??= source.Audio(cases[partners[i]]),
                    _ => audio,
                };
                var (record, image) = Generate(evaluationCase, variant, requestAudio, cancellationToken);
                caseRecords.Add(record);
                images.Add(image);
                progress?.Report(new EvaluationProgress("generating", ++done, total, $"{evaluationCase.Id} {variant.Name()}"));
            }
            Measure(evaluationCase, caseRecords, images);
            shardCases.Add(ShardCaseOf(i, evaluationCase, caseRecords, cancellationToken));
        }
        return new EvaluationShardResult
        {
            Header = Header(variants, notes),
            Cases = shardCases,
            VariantStatistics = VariantStatistics(shardCases, variants),
            ReferenceStatistics = measures.Features is { } space && shardCases.Any(c => c.ReferenceFeatures is not null)
                ? FidSufficientStatistics.FromRows(shardCases.Select(c => c.ReferenceFeatures).OfType<double[]>().ToList(), space.FeatureSpace)
                : null,
        };
    }

    private EvaluationShardHeader Header(List<PairVariant> variants, List<string> notes) => new()
    {
        RunName = settings.RunName,
        Seed = settings.Seed,
        Resamples = settings.Resamples,
        Confidence = settings.Confidence,
        GridRows = settings.GridRows,
        Step = settings.Step,
        KidSubsets = settings.KidSubsets,
        Variants = variants.Select(v => v.Name()).ToList(),
        Notes = notes,
        TotalCases = source.Cases.Count,
        CasesDigest = EvaluationCaseDigest.Of(source.Cases),
        SourceKind = source.Kind,
        Source = source.Description,
        ReferenceName = source.ReferenceName,
        Generator = generator.Description,
        SceneReader = measures.Scenes?.Description,
        Clip = measures.ClipDescription,
        DistanceName = measures.Features?.DistanceName,
        FeatureSpace = measures.Features?.FeatureSpace,
        InceptionFeatures = measures.Features is InceptionImageFeatures,
        FeatureNote = measures.FeatureNote,
    };

    // What the merge needs of the case besides its images: the reference image's features, taken at the size of
    // the case's own images, and the CLIP text embeddings; both per case, so that no batch spans two shards.
    private ShardCase ShardCaseOf(int index, EvaluationCase evaluationCase, List<ImageRecord> records, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var referenceFeatures = measures.Features is null
            ? null
            : FrechetDistances.ReferenceFeatures(measures.Features, source, evaluationCase, Math.Max(records[0].Width, records[0].Height));
        var (prompt, caption) = measures.Clip is null ? (null, null) : ClipAlignment.TextEmbeddings(measures.Clip, evaluationCase);
        var images = records.Select(r => new ShardImage(r.Variant.Name(), r.File, r.Width, r.Height, r.Seconds, r.AssignedRelation,
            r.Prediction, r.Hits, r.ClipEmbedding, r.Features)).ToList();
        return new ShardCase(index, evaluationCase, images, referenceFeatures, prompt, caption);
    }

    private Dictionary<string, FidSufficientStatistics> VariantStatistics(List<ShardCase> shardCases, List<PairVariant> variants)
    {
        var statistics = new Dictionary<string, FidSufficientStatistics>();
        if (measures.Features is not { } space)
            return statistics;
        foreach (var variant in variants.Select(v => v.Name()))
        {
            var rows = shardCases.Select(c => c.Images.Single(i => i.Variant == variant).Features).OfType<double[]>().ToList();
            if (rows.Count > 0)
                statistics[variant] = FidSufficientStatistics.FromRows(rows, space.FeatureSpace);
        }
        return statistics;
    }

    private (ImageRecord Record, RgbImage Image) Generate(EvaluationCase evaluationCase, PairVariant variant, EvaluationAudio? audio,
        CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var generated = generator.Generate(new PairRequest(evaluationCase.Id, evaluationCase.Prompt, audio, evaluationCase.Seed, variant), cancellationToken)
            ?? throw new InvalidOperationException($"the generator returned nothing for {evaluationCase.Id} {variant.Name()}");
        var seconds = generated.Seconds > 0 ? generated.Seconds : watch.Elapsed.TotalSeconds;
        var file = Path.Combine("images", evaluationCase.Id, variant.Name() + ".png");
        var image = generated.Image ?? throw new InvalidOperationException($"the generator returned no image for {evaluationCase.Id} {variant.Name()}");
        PngWriter.Save(Path.Combine(settings.OutputFolder, file), image.Width, image.Height, image.Pixels,
        [
            new PngText("Case", evaluationCase.Id),
            new PngText("Variant", variant.Name()),
            new PngText("Prompt", evaluationCase.Prompt),
            new PngText("Audio caption", evaluationCase.AudioCaption),
            new PngText("Seed", evaluationCase.Seed.ToString(CultureInfo.InvariantCulture)),
        ]);
        return (new ImageRecord(evaluationCase, variant, file.Replace('\\', '/'), image.Width, image.Height, seconds, generated.AssignedRelation), image);
    }

    // The measures that need the pixels, taken while the case's images are in memory.
    private void Measure(EvaluationCase evaluationCase, List<ImageRecord> records, List<RgbImage> images)
    {
        using var scope = NewDisposeScope();
        if (measures.Scenes is not null)
        {
            var predictions = measures.Scenes.Read(images);
            for (var i = 0; i < records.Count; i++)
            {
                records[i].Prediction = predictions[i];
                if (evaluationCase.ExpectedLabels is { } expected)
                    records[i].Hits = SceneAccuracy.Score(expected, predictions[i].Labels);
            }
        }
        if (measures.Clip is not null)
            foreach (var group in SameSize(images))
            {
                var embeddings = measures.Clip.ImageFeatures(group.Select(i => images[i]).ToList());
                var rows = embeddings.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
                var width = rows.Length / group.Count;
                for (var k = 0; k < group.Count; k++)
                    records[group[k]].ClipEmbedding = rows[(k * width)..((k + 1) * width)];
            }
        if (measures.Features is not null)
            foreach (var group in SameSize(images))
            {
                var features = measures.Features.Extract(group.Select(i => images[i]).ToList());
                var rows = features.to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
                var width = rows.Length / group.Count;
                for (var k = 0; k < group.Count; k++)
                    records[group[k]].Features = rows[(k * width)..((k + 1) * width)];
            }
    }

    private static List<List<int>> SameSize(List<RgbImage> images) =>
        Enumerable.Range(0, images.Count).GroupBy(i => (images[i].Width, images[i].Height)).Select(g => g.ToList()).ToList();

    // Each case's shuffled audio is another case's: a seeded rotation, so no case keeps its own.
    private int[] Partners(int count)
    {
        if (count < 2)
            return new int[count];
        var shift = 1 + new SeededRandom((ulong)settings.Seed).Fork(0x5AFF1E).Next(count - 1);
        return Enumerable.Range(0, count).Select(i => (i + shift) % count).ToArray();
    }
}
