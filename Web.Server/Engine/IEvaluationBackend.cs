using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Training.Metrics;

namespace Clap2Diffusion.Server.Engine;

/// <summary>The seam to the engine's <c>evaluate</c>: runs on the engine thread, one run at a time, between generation jobs.</summary>
public interface IEvaluationBackend
{
    /// <summary>
    /// Evaluates and writes the report into <see cref="EvaluationWork.ReportFolder"/> in the engine's layout
    /// (<see cref="Clap2Diffusion.Engine.Evaluation.Reports.ReportWriter"/>): <c>report.json</c>, the Markdown
    /// <c>summary.md</c> the admin page shows, PNG charts under <c>charts/</c> and <c>grid.png</c>. Metric records
    /// (Kind "eval") go to the reporter.
    /// Cancellation and bad input behave as in <see cref="ITrainingBackend.Run"/>.
    /// </summary>
    EvaluationOutcome Run(EvaluationWork work, IEvaluationReporter reporter, CancellationToken cancellationToken);
}

public sealed record EvaluationWork(Guid RunId, EvaluationRunSettings Settings, string ReportFolder);

/// <param name="Summary">The headline numbers (FID, CLIP score, alignment...), charted across runs.</param>
public sealed record EvaluationOutcome(string ReportFolder, IReadOnlyDictionary<string, double> Summary);

public interface IEvaluationReporter : IMetricSink
{
    /// <summary>How many of the samples are done, for the progress bar.</summary>
    void Progress(long done, long total);
}
