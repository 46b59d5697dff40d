using System.Globalization;
using System.Text;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Evaluation;

namespace Clap2Diffusion.Engine.Evaluation.Reports;

/// <summary>
/// <c>summary.md</c>: the checks and the design's success criteria, then tables a README can quote: accuracies per relation and variant, the
/// audio's gain, the ablations, the CLIP scores, the distances with their reference sets, and the notes.
/// Every mean carries its bootstrap interval in brackets.
/// </summary>
public static class MarkdownSummary
{
    private static readonly string[] AccuracyColumns =
        [SceneAccuracy.Object, SceneAccuracy.Shape, SceneAccuracy.Color, SceneAttributes.Foreground, SceneAttributes.Background, SceneAttributes.Ambience, SceneAccuracy.Elements, SceneAccuracy.Scene];

    private static readonly string[] MainVariants =
        [PairVariant.TextOnly.Name(), PairVariant.Audio.Name(), PairVariant.AudioComposed.Name(), PairVariant.ShuffledAudio.Name()];

    private static readonly string[] CompositionColumns = [SceneAccuracy.Object, SceneAccuracy.Scene];

    private static readonly string[] DifferenceColumns =
        [SceneAccuracy.Object, SceneAttributes.Foreground, SceneAttributes.Background, SceneAttributes.Ambience, SceneAccuracy.Elements];

    public static string Render(EvaluationReport report, IReadOnlyList<string> charts)
    {
        var text = new StringBuilder();
        text.AppendLine($"# Evaluation: {report.Run}").AppendLine();
        text.AppendLine($"- Source: {report.Source}");
        text.AppendLine($"- Generator: {report.Generator}");
        text.AppendLine($"- Scene reader: {report.SceneReader ?? "none (no attribute accuracies)"}");
        text.AppendLine($"- CLIP: {report.Clip ?? "none (no CLIP score or alignment)"}");
        text.AppendLine($"- Variants: {string.Join(", ", report.Variants)}");
        text.AppendLine(Invariant($"- Intervals: {100 * report.Confidence:0.#}% percentile bootstrap over cases, {report.Resamples} resamples, seed {report.Seed}"));
        text.AppendLine($"- Verdict: **{report.Verdict}**").AppendLine();

        if (report.Checks.Count > 0)
        {
            text.AppendLine("## Acceptance checks").AppendLine().AppendLine("```");
            foreach (var check in report.Checks)
                text.AppendLine(check.Line);
            text.AppendLine("```").AppendLine();
        }

        if (report.Criteria.Count > 0)
        {
            text.AppendLine("## The design's success criteria").AppendLine().AppendLine("```");
            foreach (var criterion in report.Criteria)
                text.AppendLine(criterion.Line);
            text.AppendLine("```").AppendLine();
        }

        var accuracyGroups = report.Groups
            .Where(g => MainVariants.Contains(g.Variant) && g[EvaluationSummary.AccuracyMetric(SceneAccuracy.Object)] is not null).ToList();
        if (accuracyGroups.Count > 0)
        {
            text.AppendLine("## Attribute accuracy (%)").AppendLine();
            text.AppendLine("Each image is held to the scene its case calls for: the prompt's object, the audio's scene, and what a creative prompt adds. " +
                "Every variant of every relation is in `report.json`.").AppendLine();
            Table(text, ["scope", "variant", "n", .. AccuracyColumns],
                accuracyGroups.Select(g => (IEnumerable<string>)[g.Scope, g.Variant, Count(g.Cases),
                    .. AccuracyColumns.Select(c => Percent(g[EvaluationSummary.AccuracyMetric(c)]))]));
        }

        var gains = Differences(report, PairVariant.Audio.Name(), PairVariant.TextOnly.Name());
        if (gains.Count > 0)
        {
            text.AppendLine("## Audio's gain over text only (points, same cases and seeds)").AppendLine();
            Table(text, ["scope", .. DifferenceColumns], gains.Select(p => (IEnumerable<string>)[p.Scope,
                .. DifferenceColumns.Select(c => Points(p.Rows.GetValueOrDefault(EvaluationSummary.AccuracyMetric(c))))]));
        }

        CompositionTable(text, report);
        ConflictTable(text, report);

        var ablations = report.Comparisons
            .Where(c => c.Baseline == PairVariant.Audio.Name() && c.Variant != PairVariant.AudioComposed.Name()
                && c.Scope is EvaluationSummary.AllScope or "complementary"
                && c.Metric.StartsWith("accuracy/", StringComparison.Ordinal))
            .GroupBy(c => (c.Scope, c.Variant)).ToList();
        if (ablations.Count > 0)
        {
            text.AppendLine("## Ablations against audio (points; negative = lost)").AppendLine();
            text.AppendLine("Complementary prompts name no scene element, so there the audio alone carries the scene.").AppendLine();
            Table(text, ["scope", "variant", .. DifferenceColumns], ablations.Select(g => (IEnumerable<string>)[g.Key.Scope, g.Key.Variant,
                .. DifferenceColumns.Select(c => Points(g.FirstOrDefault(x => x.Metric == EvaluationSummary.AccuracyMetric(c))?.Difference))]));
        }

        var clipGroups = report.Groups.Where(g => g[EvaluationSummary.ClipScoreMetric] is not null).ToList();
        if (clipGroups.Count > 0)
        {
            text.AppendLine("## CLIP").AppendLine();
            text.AppendLine("CLIP score: torchmetrics' 100·cos(image, prompt), mean clamped at 0. Alignment: 100·cos(image, caption of the case's own audio). " +
                "Rank: share of other cases' captions less similar to the image than its own (AIS-style; 0.5 = chance).").AppendLine();
            Table(text, ["scope", "variant", "n", "CLIP score", "alignment", "alignment rank"], clipGroups.Select(g => (IEnumerable<string>)[
                g.Scope, g.Variant, Count(g.Cases), Number(g[EvaluationSummary.ClipScoreMetric]), Number(g[EvaluationSummary.AlignmentMetric]),
                Number(g[EvaluationSummary.AlignmentRankMetric], "0.000")]));
        }

        var agreement = report.Groups.Where(g => g.Variant == PairVariant.Audio.Name() && g[EvaluationSummary.RelationAgreementMetric] is not null).ToList();
        if (agreement.Count > 0)
        {
            text.AppendLine("## Relations the pipeline assigned (audio variant)").AppendLine();
            Table(text, ["scope", "n", "agrees with the case's relation (%)"], agreement.Select(g => (IEnumerable<string>)[g.Scope, Count(g.Cases),
                Percent(g[EvaluationSummary.RelationAgreementMetric])]));
        }

        if (report.Distances.Count > 0)
        {
            text.AppendLine("## Distances to the reference set").AppendLine();
            foreach (var distance in report.Distances)
                text.AppendLine($"- {distance.Summary}");
            text.AppendLine();
        }

        var timing = report.Groups.Where(g => g.Scope == EvaluationSummary.AllScope && g[EvaluationSummary.SecondsMetric] is not null).ToList();
        if (timing.Count > 0)
        {
            text.AppendLine("## Generation time (seconds per image)").AppendLine();
            Table(text, ["variant", "n", "mean seconds"], timing.Select(g => (IEnumerable<string>)[g.Variant, Count(g.Cases),
                Number(g[EvaluationSummary.SecondsMetric], "0.000")]));
        }

        if (report.Notes.Count > 0)
        {
            text.AppendLine("## Notes").AppendLine();
            foreach (var note in report.Notes)
                text.AppendLine($"- {note}");
            text.AppendLine();
        }

        text.AppendLine("## Files").AppendLine();
        text.AppendLine("- `report.json`: every case, image and number above");
        text.AppendLine("- `grid.png`: the first cases under every variant");
        foreach (var chart in charts)
            text.AppendLine($"- `{chart}`");
        text.AppendLine("- `images/<case>/<variant>.png`: every generated image");
        return text.ToString();
    }

    /// <summary>The composition strategy measured: per relation, object and scene accuracy without it, with it, and the paired change.</summary>
    private static void CompositionTable(StringBuilder text, EvaluationReport report)
    {
        var scopes = report.Groups.Where(g => g.Variant == PairVariant.AudioComposed.Name()
            && g[EvaluationSummary.AccuracyMetric(SceneAccuracy.Object)] is not null).Select(g => g.Scope).ToList();
        if (scopes.Count == 0)
            return;
        text.AppendLine("## The composition strategy (audio_composed against audio, %)").AppendLine();
        text.AppendLine("Both variants use the case's own audio; audio_composed lets the relation lower a conflicting level's strength " +
            "(the contradictory strength), so it can differ from audio only where the pipeline finds a conflict. Scene: all three audio levels right.").AppendLine();
        var header = new List<string> { "scope", "n" };
        foreach (var column in CompositionColumns)
            header.AddRange([$"{column}, audio", $"{column}, composed", $"{column}, change (points)"]);
        Table(text, header, scopes.Select(scope =>
        {
            var plain = report.Group(scope, PairVariant.Audio);
            var composed = report.Group(scope, PairVariant.AudioComposed)!;
            var row = new List<string> { scope, Count(composed.Cases) };
            foreach (var column in CompositionColumns)
            {
                var metric = EvaluationSummary.AccuracyMetric(column);
                row.AddRange([Percent(plain?[metric]), Percent(composed[metric]),
                    Points(report.Comparison(scope, metric, PairVariant.AudioComposed, PairVariant.Audio)?.Difference)]);
            }
            return (IEnumerable<string>)row;
        }));
    }

    /// <summary>Contradictory cases read from the prompt's side: whose element each variant draws on the disputed level.</summary>
    private static void ConflictTable(StringBuilder text, EvaluationReport report)
    {
        var contradictory = PromptAudioRelation.Contradictory.Name();
        var groups = report.Groups.Where(g => g.Scope == contradictory && g[EvaluationSummary.PromptElementMetric] is not null).ToList();
        if (groups.Count == 0)
            return;
        text.AppendLine("## Contradictory pairs from the prompt's side (%)").AppendLine();
        text.AppendLine("On the level where the prompt and the sound name different elements: how often the image shows the prompt's, and " +
            "how often the sound's. The accuracies above hold these cases to the sound's element; the composition strategy lets the prompt's win.")
            .AppendLine();
        Table(text, ["variant", "n", "prompt's element", "sound's element"], groups.Select(g => (IEnumerable<string>)
            [g.Variant, Count(g.Cases), Percent(g[EvaluationSummary.PromptElementMetric]), Percent(g[EvaluationSummary.AudioElementMetric])]));
    }

    private static List<(string Scope, Dictionary<string, Estimate> Rows)> Differences(EvaluationReport report, string variant, string baseline) =>
        report.Comparisons.Where(c => c.Variant == variant && c.Baseline == baseline && c.Metric.StartsWith("accuracy/", StringComparison.Ordinal))
            .GroupBy(c => c.Scope)
            .Select(g => (g.Key, g.ToDictionary(c => c.Metric, c => c.Difference)))
            .ToList();

    private static void Table(StringBuilder text, IReadOnlyList<string> header, IEnumerable<IEnumerable<string>> rows)
    {
        text.AppendLine($"| {string.Join(" | ", header)} |");
        text.AppendLine($"|{string.Concat(header.Select(_ => "---|"))}");
        foreach (var row in rows)
            text.AppendLine($"| {string.Join(" | ", row)} |");
        text.AppendLine();
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Percent(Estimate? e) =>
        e is null ? "–" : Invariant($"{100 * e.Mean:0.0} [{100 * e.Low:0.0}, {100 * e.High:0.0}]");

    private static string Points(Estimate? e) =>
        e is null ? "–" : Invariant($"{100 * e.Mean:+0.0;-0.0;0.0} [{100 * e.Low:+0.0;-0.0;0.0}, {100 * e.High:+0.0;-0.0;0.0}]");

    private static string Number(Estimate? e, string format = "0.00") =>
        e is null ? "–" : $"{Format(e.Mean, format)} [{Format(e.Low, format)}, {Format(e.High, format)}]";

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
