namespace Clap2Diffusion.Engine.Evaluation.Sharding;

/// <summary>A shard result and the folder that holds its images/ (the shard run's output folder).</summary>
public sealed record EvaluationShardInput(EvaluationShardResult Result, string ImageFolder);
