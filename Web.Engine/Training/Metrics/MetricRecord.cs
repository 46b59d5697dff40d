namespace Clap2Diffusion.Engine.Training.Metrics;

/// <summary>
/// One row of numbers from a run: a training step (loss parts, learning rate, gradient norm, gate values,
/// hierarchy weights, step time) or an evaluation result. Names are slash-separated, e.g. <c>loss/diffusion</c>,
/// <c>gate/down_blocks.0.attentions.0.transformer_blocks.0</c>.
/// </summary>
public sealed record MetricRecord(string Run, string Kind, long Step, DateTimeOffset Time, IReadOnlyDictionary<string, double> Values)
{
    public const string TrainingKind = "train";
    public const string EvaluationKind = "eval";
}
