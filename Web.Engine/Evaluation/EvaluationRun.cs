using System.Diagnostics;
using System.Globalization;
using Clap2Diffusion.Engine.Evaluation.Reports;
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
/// </summary>
public sealed class EvaluationRun(IEvaluationSource source, IPairGenerator generator, EvaluationMeasures measures,
    EvaluationSettings settings, IMetricSink? sink = null)
{
    public EvaluationReport Execute(IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (settings.GridRows < 0)
            throw new InputException($"the grid cannot show {settings.GridRows} rows");
        var cases = source.Cases;
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
        var records = new List<ImageRecord>();
        var grid = new List<GridRow>();
        var total = cases.Count * variants.Count;
        for (var i = 0; i < cases.Count; i++)
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
                progress?.Report(new EvaluationProgress("generating", records.Count + caseRecords.Count, total, $"{evaluationCase.Id} {variant.Name()}"));
            }
            Measure(evaluationCase, caseRecords, images);
            if (grid.Count < settings.GridRows)
                grid.Add(new GridRow(evaluationCase, caseRecords.Select(r => r.Variant).ToList(), images.Select(Thumbnail).ToList()));
            records.AddRange(caseRecords);
        }

        progress?.Report(new EvaluationProgress("scoring", 0, 1, "alignment and distances"));
        if (measures.Clip is not null)
            ClipAlignment.Score(measures.Clip, cases, records);
        var distances = measures.Features is null
            ? []
            : FrechetDistances.Compute(measures.Features, source, cases, records, variants, settings, notes, cancellationToken);
        if (measures.FeatureNote is not null)
            notes.Add(measures.FeatureNote);
        if (measures.Features is null)
            notes.Add("no feature space for distances: give --fid-weights for FID (or a demo classifier for a domain FID)");
        if (measures.Scenes is not null && cases.Any(c => c.ExpectedLabels is null))
            notes.Add("the scene reader only scores demo-world cases; cases without a demo scene have no accuracies");

        var summary = EvaluationSummary.Build(cases, records, variants, settings);
        var checks = measures.Scenes is not null && source.Kind == "demo"
            ? AcceptanceChecks.Evaluate(summary.Groups, summary.Comparisons, cases)
            : [];
        var report = new EvaluationReport
        {
            Run = settings.RunName,
            Created = DateTimeOffset.UtcNow,
            SourceKind = source.Kind,
            Source = source.Description,
            Generator = generator.Description,
            SceneReader = measures.Scenes?.Description,
            Clip = measures.ClipDescription,
            Variants = variants.Select(v => v.Name()).ToList(),
            Seed = settings.Seed,
            Resamples = settings.Resamples,
            Confidence = settings.Confidence,
            Cases = CaseResults(cases, records),
            Groups = summary.Groups,
            Comparisons = summary.Comparisons,
            Distances = distances,
            Checks = checks,
            Verdict = AcceptanceChecks.Verdict(checks),
            Notes = notes,
        };
        report = report with { Criteria = SuccessCriteria.Evaluate(report) };
        progress?.Report(new EvaluationProgress("writing", 0, 1, settings.OutputFolder));
        ReportWriter.Write(settings.OutputFolder, report, grid);
        sink?.Write(EvaluationMetrics.Record(report, settings.Step));
        return report;
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

    private static RgbImage Thumbnail(RgbImage image) => ImageGrid.Fit(image, ImageGrid.CellSize);

    private static List<CaseResult> CaseResults(IReadOnlyList<EvaluationCase> cases, List<ImageRecord> records)
    {
        var byCase = records.GroupBy(r => r.Case.Id).ToDictionary(g => g.Key, g => g.ToList());
        return cases.Select(c => new CaseResult(c.Id, EvaluationSummary.RelationName(c.Relation), c.Prompt, c.AudioCaption, c.Seed,
            c.AudioLabels, c.ExpectedLabels,
            byCase.GetValueOrDefault(c.Id, []).Select(r => new ImageResult(r.Variant.Name(), r.File, r.Seconds,
                EvaluationSummary.RelationName(r.AssignedRelation), r.Prediction?.Labels, r.Prediction?.Confidence, r.Hits,
                r.ClipScore, r.Alignment, r.AlignmentRank)).ToList())).ToList();
    }
}
