using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Training.Metrics;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// A run's headline numbers as one metric record of kind "eval", written through the same sink as training
/// metrics so the admin page can chart evaluations over time. Names: <c>{scope}/{variant}/{metric}</c> for
/// means (e.g. <c>complementary/audio/accuracy/foreground</c>), <c>{scope}/{variant}-{baseline}/{metric}</c>
/// for differences, <c>distance/{variant}/fid</c> or <c>.../domain_fid</c> and <c>.../kid</c>, and
/// <c>check/{id}</c> as 1 (pass) or 0 (fail).
/// </summary>
public static class EvaluationMetrics
{
    public static MetricRecord Record(EvaluationReport report, long step)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var group in report.Groups)
            foreach (var (metric, estimate) in group.Metrics)
                values[$"{group.Scope}/{group.Variant}/{metric}"] = estimate.Mean;
        foreach (var comparison in report.Comparisons)
            values[$"{comparison.Scope}/{comparison.Variant}-{comparison.Baseline}/{comparison.Metric}"] = comparison.Difference.Mean;
        foreach (var distance in report.Distances)
        {
            var name = distance.Name == InceptionImageFeatures.Name ? "fid" : "domain_fid";
            values[$"distance/{distance.Variant}/{name}"] = distance.Value;
            if (distance.Kid is not null)
                values[$"distance/{distance.Variant}/{(name == "fid" ? "kid" : "domain_kid")}"] = distance.Kid.Value;
        }
        foreach (var check in report.Checks.Where(c => c.Status != CheckResult.NotRun))
            values[$"check/{check.Id}"] = check.Status == CheckResult.Pass ? 1 : 0;
        return new MetricRecord(report.Run, MetricRecord.EvaluationKind, step, report.Created, values);
    }
}
