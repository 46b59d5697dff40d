namespace Clap2Diffusion.Engine.Serving;

/// <summary>Where part of a job's time went ("decode audio", "generate"), as the engine measured it.</summary>
public sealed record StageTiming(string Name, double Milliseconds);
