using System.Text.Json;
using Clap2Diffusion.Engine.Evaluation.Fid;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Training.Metrics;

namespace Clap2Diffusion.Engine.Evaluation.Sharding;

/// <summary>
/// The second half of an evaluation: shard results (in any order) into one report, as the one-worker run writes
/// it. Nothing is averaged across shards: FID comes from the summed sufficient statistics, KID from the feature
/// rows in case order, CLIP alignment, accuracies and the summary from the per-image records in case order.
/// Needs no model: everything measured was measured in the shards.
/// </summary>
public static class EvaluationMerge
{
    /// <summary>
    /// Checks that the shards belong to one run and cover each of its cases once, copies their images into
    /// <paramref name="outputFolder"/> (unless they are there already), and writes the report folder there.
    /// </summary>
    public static EvaluationReport Merge(IReadOnlyList<EvaluationShardInput> shards, string outputFolder, IMetricSink? sink = null,
        IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (shards.Count == 0)
            throw new InputException("there are no evaluation shards to merge");
        foreach (var shard in shards)
            EvaluationShardFile.Validate(shard.Result);
        var header = SharedHeader(shards);
        var ordered = Cover(shards, header.TotalCases);
        var cases = ordered.Select(c => c.Case.Case).ToList();
        if (EvaluationCaseDigest.Of(cases) != header.CasesDigest)
            throw new InputException("the shards' cases are not the case list their headers were made from (the case digest differs)");

        Directory.CreateDirectory(outputFolder);
        progress?.Report(new EvaluationProgress("merging", 0, ordered.Count, outputFolder));
        foreach (var (shardCase, folder) in ordered)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CopyImages(shardCase, folder, outputFolder);
        }

        var variants = header.Variants.Select(PairVariants.Parse).ToList();
        var settings = new EvaluationSettings(outputFolder)
        {
            RunName = header.RunName,
            Variants = variants,
            Seed = header.Seed,
            Resamples = header.Resamples,
            Confidence = header.Confidence,
            GridRows = header.GridRows,
            Step = header.Step,
            KidSubsets = header.KidSubsets,
        };
        var records = ordered.SelectMany(c => c.Case.Images.Select(image => Record(c.Case.Case, image))).ToList();
        var notes = header.Notes.ToList();

        progress?.Report(new EvaluationProgress("scoring", 0, 1, "alignment and distances"));
        if (header.Clip is not null)
            ClipAlignment.Score(TextRows(ordered.Select(c => c.Case).ToList()), records);
        var distances = header.FeatureSpace is null
            ? []
            : FrechetDistances.Compute(header, ordered.Select(c => c.Case.ReferenceFeatures).ToList(), MergedReference(shards),
                records, MergedCandidates(shards, variants), variants, notes, cancellationToken);
        if (header.FeatureNote is not null)
            notes.Add(header.FeatureNote);
        if (header.FeatureSpace is null)
            notes.Add("no feature space for distances: give --fid-weights for FID (or a demo classifier for a domain FID)");
        if (header.SceneReader is not null && cases.Any(c => c.ExpectedLabels is null))
            notes.Add("the scene reader only scores demo-world cases; cases without a demo scene have no accuracies");

        var summary = EvaluationSummary.Build(cases, records, variants, settings);
        var checks = header.SceneReader is not null && header.SourceKind == "demo"
            ? AcceptanceChecks.Evaluate(summary.Groups, summary.Comparisons, cases)
            : [];
        var report = new EvaluationReport
        {
            Run = header.RunName,
            Created = DateTimeOffset.UtcNow,
            SourceKind = header.SourceKind,
            Source = header.Source,
            Generator = header.Generator,
            SceneReader = header.SceneReader,
            Clip = header.Clip,
            Variants = header.Variants,
            Seed = header.Seed,
            Resamples = header.Resamples,
            Confidence = header.Confidence,
            Cases = CaseResults(cases, records),
            Groups = summary.Groups,
            Comparisons = summary.Comparisons,
            Distances = distances,
            Checks = checks,
            Verdict = AcceptanceChecks.Verdict(checks),
            Notes = notes,
        };
        report = report with { Criteria = SuccessCriteria.Evaluate(report) };
        progress?.Report(new EvaluationProgress("writing", 0, 1, outputFolder));
        ReportWriter.Write(outputFolder, report, Grid(ordered.Take(header.GridRows).Select(c => c.Case).ToList(), variants, outputFolder));
        sink?.Write(EvaluationMetrics.Record(report, header.Step));
        return report;
    }

    // Every header must equal the first, field by field, so that the error can name the field that differs.
    private static EvaluationShardHeader SharedHeader(IReadOnlyList<EvaluationShardInput> shards)
    {
        var first = JsonSerializer.SerializeToElement(shards[0].Result.Header, EvaluationShardJson.Options);
        foreach (var shard in shards.Skip(1))
        {
            var other = JsonSerializer.SerializeToElement(shard.Result.Header, EvaluationShardJson.Options);
            foreach (var field in first.EnumerateObject())
            {
                var value = other.GetProperty(field.Name);
                if (field.Value.GetRawText() != value.GetRawText())
                    throw new InputException($"the shards are not of one run: their {field.Name} differs ({field.Value.GetRawText()} in " +
                        $"{shards[0].ImageFolder}, {value.GetRawText()} in {shard.ImageFolder})");
            }
        }
        return shards[0].Result.Header;
    }

    // The cases of all shards in case order, each with the folder holding its images; each case exactly once.
    private static List<(ShardCase Case, string Folder)> Cover(IReadOnlyList<EvaluationShardInput> shards, int totalCases)
    {
        var byIndex = new (ShardCase Case, string Folder)?[totalCases];
        foreach (var shard in shards)
            foreach (var shardCase in shard.Result.Cases)
            {
                if (byIndex[shardCase.Index] is { } seen)
                    throw new InputException($"case {shardCase.Index} ({shardCase.Case.Id}) is in two shards, from {seen.Folder} and " +
                        $"{shard.ImageFolder}; each case must be in exactly one");
                byIndex[shardCase.Index] = (shardCase, shard.ImageFolder);
            }
        var missing = Enumerable.Range(0, totalCases).Where(i => byIndex[i] is null).ToList();
        if (missing.Count > 0)
            throw new InputException($"{missing.Count} of {totalCases} cases are in no shard: case {string.Join(", ", missing.Take(10))}" +
                (missing.Count > 10 ? ", ..." : ""));
        return byIndex.Select(c => c!.Value).ToList();
    }

    // Shards are added in the order of their first case, so the sums do not depend on the order they were handed in.
    private static IEnumerable<EvaluationShardResult> InCaseOrder(IReadOnlyList<EvaluationShardInput> shards) =>
        shards.Select(s => s.Result).OrderBy(r => r.Cases[0].Index);

    private static FidSufficientStatistics? MergedReference(IReadOnlyList<EvaluationShardInput> shards)
    {
        var parts = InCaseOrder(shards).Select(r => r.ReferenceStatistics).OfType<FidSufficientStatistics>().ToList();
        return parts.Count == 0 ? null : FidSufficientStatistics.Merge(parts);
    }

    private static Dictionary<PairVariant, FidSufficientStatistics> MergedCandidates(IReadOnlyList<EvaluationShardInput> shards,
        IReadOnlyList<PairVariant> variants)
    {
        var merged = new Dictionary<PairVariant, FidSufficientStatistics>();
        foreach (var variant in variants)
        {
            var parts = InCaseOrder(shards).Select(r => r.VariantStatistics.GetValueOrDefault(variant.Name())).OfType<FidSufficientStatistics>().ToList();
            if (parts.Count > 0)
                merged[variant] = FidSufficientStatistics.Merge(parts);
        }
        return merged;
    }

    // A text's first embedding in case order (every shard embeds a case's texts the same way, so any would do).
    private static Dictionary<string, float[]> TextRows(List<ShardCase> cases)
    {
        var rows = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var shardCase in cases)
        {
            rows.TryAdd(shardCase.Case.Prompt, shardCase.PromptEmbedding!);
            rows.TryAdd(shardCase.Case.AudioCaption, shardCase.CaptionEmbedding!);
        }
        return rows;
    }

    private static void CopyImages(ShardCase shardCase, string sourceFolder, string outputFolder)
    {
        foreach (var image in shardCase.Images)
        {
            var from = Path.GetFullPath(Path.Combine(sourceFolder, image.File));
            var to = Path.GetFullPath(Path.Combine(outputFolder, image.File));
            if (!File.Exists(from))
                throw new InputException($"the image {image.File} of case {shardCase.Case.Id} is missing from its shard's folder {sourceFolder}");
            if (string.Equals(from, to, StringComparison.Ordinal))
                continue;
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to, overwrite: true);
        }
    }

    private static ImageRecord Record(EvaluationCase evaluationCase, ShardImage image) =>
        new(evaluationCase, PairVariants.Parse(image.Variant), image.File, image.Width, image.Height, image.Seconds, image.AssignedRelation)
        {
            Prediction = image.Prediction,
            Hits = image.Hits,
            ClipEmbedding = image.ClipEmbedding,
            Features = image.Features,
        };

    // The grid is drawn from the saved images, which are lossless, so it is the grid the run would have drawn from memory.
    private static List<GridRow> Grid(List<ShardCase> cases, IReadOnlyList<PairVariant> variants, string outputFolder) =>
        cases.Select(c => new GridRow(c.Case, variants, c.Images
            .Select(i => ImageGrid.Fit(RgbImage.Load(Path.Combine(outputFolder, i.File)), ImageGrid.CellSize)).ToList())).ToList();

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
