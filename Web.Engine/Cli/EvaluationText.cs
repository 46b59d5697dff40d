using System.Globalization;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;

namespace Clap2Diffusion.Engine.Cli;

/// <summary>
/// The plain-text result of <c>evaluate</c>: where the report is, the checks, the success criteria, the headline
/// accuracies per relation (text only, audio, and audio with the composition strategy) and the distances.
/// </summary>
internal static class EvaluationText
{
    private static readonly string[] Columns =
        [SceneAccuracy.Object, SceneAttributes.Foreground, SceneAttributes.Background, SceneAttributes.Ambience, SceneAccuracy.Scene];

    private static readonly string[] HeadlineVariants = [PairVariant.TextOnly.Name(), PairVariant.Audio.Name(), PairVariant.AudioComposed.Name()];

    public static void Write(TextWriter output, EvaluationReport report, string folder)
    {
        var images = report.Cases.Sum(c => c.Images.Count);
        output.WriteLine(FormattableString.Invariant($"evaluation '{report.Run}': {report.Cases.Count} cases, {images} images; report in {folder}"));
        foreach (var check in report.Checks)
            output.WriteLine(check.Line);
        foreach (var criterion in report.Criteria)
            output.WriteLine(criterion.Line);

        var headline = report.Groups
            .Where(g => HeadlineVariants.Contains(g.Variant) && g[EvaluationSummary.AccuracyMetric(SceneAccuracy.Object)] is not null)
            .ToList();
        if (headline.Count > 0)
        {
            output.WriteLine($"{"scope",-14} {"variant",-14} {"n",4} {string.Join(" ", Columns.Select(c => $"{c,11}"))}");
            foreach (var group in headline)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{group.Scope,-14} {group.Variant,-14} {group.Cases,4} ") +
                    string.Join(" ", Columns.Select(c => $"{Percent(group[EvaluationSummary.AccuracyMetric(c)]),11}")));
        }
        foreach (var group in report.Groups.Where(g => HeadlineVariants.Contains(g.Variant) && g[EvaluationSummary.PromptElementMetric] is not null))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"contradictory, {group.Variant}: the prompt's element drawn in {Percent(group[EvaluationSummary.PromptElementMetric])}, " +
                $"the sound's in {Percent(group[EvaluationSummary.AudioElementMetric])} of {group.Cases} pairs"));
        foreach (var group in report.Groups.Where(g => g.Scope == EvaluationSummary.AllScope && g[EvaluationSummary.ClipScoreMetric] is not null))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"CLIP {group.Variant}: score {group[EvaluationSummary.ClipScoreMetric]!.Mean:0.00}, alignment {group[EvaluationSummary.AlignmentMetric]!.Mean:0.00}, " +
                $"rank {(group[EvaluationSummary.AlignmentRankMetric] is { } rank ? rank.Mean.ToString("0.000", CultureInfo.InvariantCulture) : "n/a")} (0.5 = chance)"));
        foreach (var distance in report.Distances)
            output.WriteLine(distance.Summary);
        foreach (var note in report.Notes)
            output.WriteLine($"note: {note}");
        output.WriteLine($"verdict: {report.Verdict}");
    }

    private static string Percent(Estimate? estimate) =>
        estimate is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100 * estimate.Mean:0.0}%");
}
