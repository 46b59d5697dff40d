using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Client.Contracts;

/// <summary>What the pages show about the engine: whether it runs, and what it is.</summary>
/// <param name="MaxAudioSeconds">The longest clip the server accepts; the studio trims recordings to it.</param>
public sealed record EngineStatus(bool Ready, string? Problem, EngineInfo? Info, string AppVersion, double MaxAudioSeconds);

/// <summary>
/// The active model and what it accepts, as the generation backend describes it (the engine's <c>PipelineInfo</c>,
/// <c>Defaults</c> and <c>Limits</c>, put together in <c>EngineGenerationBackend.Describe</c>) and as the studio and the
/// About page show it. The server narrows <see cref="Limits"/> and <see cref="Defaults"/> by its CPU caps.
/// </summary>
/// <param name="ModelName">A short name for people ("SD 1.5 + V4 adapters", "demo").</param>
/// <param name="ModelHash">sha256 (hex) of the model's weights.</param>
/// <param name="AdapterHash">sha256 (hex) of the audio adapters' weights; null without adapters.</param>
/// <param name="Device">Where it computes, as <c>ComputeTarget</c> prints it ("cpu float32", "cuda float16").</param>
/// <param name="AudioConditioningAvailable">False when only text-only images can be made.</param>
/// <param name="KnownWords">The words a small purpose-built model was trained on, shown as a hint; empty for a real model.</param>
/// <param name="SafetyCheckerActive">Whether generated images pass through the safety checker.</param>
/// <param name="Schedulers">Scheduler names a job may ask for; the first is the default.</param>
/// <param name="Defaults">The settings the studio starts from.</param>
/// <param name="Limits">The most a job may ask for.</param>
/// <param name="Loras">The LoRA files of the server's library; null when it has none configured.</param>
/// <param name="ModelSet">The routing key of its model set (base, CLAP and adapters), as jobs name it.</param>
public sealed record EngineInfo(
    string ModelName,
    string ModelHash,
    string? AdapterHash,
    string Device,
    bool AudioConditioningAvailable,
    IReadOnlyList<string> KnownWords,
    bool SafetyCheckerActive,
    IReadOnlyList<string> Schedulers,
    GenerationSettings Defaults,
    GenerationLimits Limits,
    IReadOnlyList<string>? Loras = null,
    string? ModelSet = null)
{
    public bool IsCpu => Device.StartsWith("cpu", StringComparison.OrdinalIgnoreCase);
}
