using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>A request checked against the limits, with its seed drawn and its scheduler resolved.</summary>
/// <param name="Settings">The request's settings with <c>Seed</c> set.</param>
/// <param name="SchedulerName">A <c>SchedulerFactory</c> name, or null for the class the model folder names.</param>
/// <param name="Parameters">What the images' metadata says before audio, relation and safety are known.</param>
internal sealed record GenerationPlan(GenerationSettings Settings, string? SchedulerName, GenerationParameters Parameters)
{
    public long Seed => Settings.Seed!.Value;

    public int Steps => Settings.Steps;

    public int Width => Settings.Width;

    public int Height => Settings.Height;

    /// <summary>The first of <see cref="Steps"/> to run: an edit starts part-way down the schedule, as far as its strength says.</summary>
    public int FirstStep(bool edit) => edit ? Steps - (int)Math.Min(Steps, Math.Round(Steps * Settings.Strength)) : 0;
}
