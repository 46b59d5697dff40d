using Clap2Diffusion.Engine.Training.Metrics;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// Where a training run reports, on the engine thread. Metric records (Kind "train": <c>loss/total</c>,
/// <c>loss/diffusion</c>, <c>loss/align</c>, <c>lr</c>, <c>grad_norm</c>, <c>gate/&lt;block path&gt;</c>,
/// <c>hierarchy/foreground|background|ambience</c>, <c>time/step_ms</c>) go to SQLite for the charts; the
/// trainer may combine this sink with its own JSONL sink.
/// </summary>
public interface ITrainingReporter : IMetricSink
{
    /// <summary>A sample image made at <paramref name="step"/> (PNG bytes), with its prompt as caption.</summary>
    void Sample(long step, byte[] png, string? caption);

    /// <summary>A checkpoint folder written at <paramref name="step"/>; the latest is where a resumed run continues.</summary>
    void Checkpoint(long step, string folder);
}
