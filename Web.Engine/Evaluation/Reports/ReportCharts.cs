using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Evaluation;
using SkiaSharp;

namespace Clap2Diffusion.Engine.Evaluation.Reports;

/// <summary>
/// The report's charts: per scope, the attribute accuracies text-only vs audio; the ablations on complementary
/// prompts; and the alignment rank score per relation and variant (with chance marked). Returns the files
/// written, relative to the report folder.
/// </summary>
public static class ReportCharts
{
    private static readonly string[] Attributes = [SceneAccuracy.Object, SceneAttributes.Foreground, SceneAttributes.Background, SceneAttributes.Ambience];

    public static IReadOnlyList<string> Write(string folder, EvaluationReport report)
    {
        var written = new List<string>();
        Directory.CreateDirectory(Path.Combine(folder, "charts"));
        var scopes = EvaluationSummary.Scopes.Where(s => report.Groups.Any(g => g.Scope == s)).ToList();
        foreach (var scope in scopes)
        {
            var series = Series(report, scope, [PairVariant.TextOnly, PairVariant.Audio], Attributes.Select(EvaluationSummary.AccuracyMetric));
            if (series.Count == 0)
                continue;
            var file = $"charts/accuracy-{scope}.png";
            new BarChart($"Attribute accuracy, {Describe(scope)}: text only vs audio", "accuracy", Attributes, series, 1, BarChart.Percent)
                .Save(Path.Combine(folder, file));
            written.Add(file);
        }

        var ablationScope = scopes.Contains(Complementary) ? Complementary : EvaluationSummary.AllScope;
        var ablations = Series(report, ablationScope, PairVariants.All, Attributes.Select(EvaluationSummary.AccuracyMetric));
        if (ablations.Count > 2)
        {
            const string file = "charts/ablations.png";
            new BarChart($"Ablations, {Describe(ablationScope)}: accuracy per variant", "accuracy", Attributes, ablations, 1, BarChart.Percent)
                .Save(Path.Combine(folder, file));
            written.Add(file);
        }

        var alignment = PairVariants.All
            .Where(v => report.Groups.Any(g => g.Variant == v.Name() && g[EvaluationSummary.AlignmentRankMetric] is not null))
            .Select(v => new BarSeries(v.Name(), ColorOf(v),
                scopes.Select(s => report.Group(s, v)?[EvaluationSummary.AlignmentRankMetric]).ToList()))
            .ToList();
        if (alignment.Count > 0)
        {
            const string file = "charts/alignment.png";
            new BarChart("Audio-image alignment rank (AIS-style, CLIP; 0.5 = chance)", "rank score", scopes, alignment, 1, BarChart.Number)
            {
                ReferenceLine = 0.5,
                ReferenceLabel = "chance",
            }.Save(Path.Combine(folder, file));
            written.Add(file);
        }
        return written;
    }

    public static SKColor ColorOf(PairVariant variant) => variant switch
    {
        PairVariant.TextOnly => new SKColor(150, 150, 150),
        PairVariant.Audio => new SKColor(40, 100, 200),
        PairVariant.AudioComposed => new SKColor(20, 170, 215),
        PairVariant.ShuffledAudio => new SKColor(235, 140, 40),
        PairVariant.NullForeground => new SKColor(205, 60, 60),
        PairVariant.NullBackground => new SKColor(150, 80, 185),
        PairVariant.NullAmbience => new SKColor(35, 160, 140),
        PairVariant.AdaptersOffDown => new SKColor(130, 170, 60),
        PairVariant.AdaptersOffMid => new SKColor(120, 80, 40),
        _ => new SKColor(70, 70, 70),
    };

    private static string Complementary => EvaluationSummary.RelationName(PromptAudioRelation.Complementary)!;

    private static string Describe(string scope) => scope == EvaluationSummary.AllScope ? "all relations" : $"{scope} prompts";

    private static List<BarSeries> Series(EvaluationReport report, string scope, IEnumerable<PairVariant> variants, IEnumerable<string> metrics)
    {
        var metricList = metrics.ToList();
        return variants
            .Select(v => (Variant: v, Group: report.Group(scope, v)))
            .Where(p => p.Group is not null && metricList.Any(m => p.Group[m] is not null))
            .Select(p => new BarSeries(p.Variant.Name(), ColorOf(p.Variant), metricList.Select(m => p.Group![m]).ToList()))
            .ToList();
    }
}
