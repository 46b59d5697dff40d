using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.Engine;

/// <summary>The active model as the backend describes it.</summary>
/// <param name="ModelName">A short name for people ("SD 1.5 + V4 adapters", "demo").</param>
/// <param name="ModelFolder">The model folder on disk.</param>
/// <param name="ModelHash">sha256 (hex) of the model's weights.</param>
/// <param name="AdapterHash">sha256 (hex) of the audio adapters' weights; null without adapters.</param>
/// <param name="Device">Where it computes, as <c>ComputeTarget</c> prints it ("cpu float32", "cuda float16").</param>
/// <param name="AudioConditioningAvailable">False when only text-only images can be made.</param>
/// <param name="KnownWords">The words the demo model was trained on, shown as a hint in the studio; empty for a real model.</param>
/// <param name="SafetyCheckerActive">Whether generated images pass through the safety checker.</param>
/// <param name="Schedulers">Scheduler names a job may ask for; the first is the default.</param>
/// <param name="Defaults">The settings the studio starts from.</param>
/// <param name="Limits">The most the backend accepts; the server narrows them further on the CPU.</param>
public sealed record BackendInfo(
    string ModelName,
    string ModelFolder,
    string ModelHash,
    string? AdapterHash,
    string Device,
    bool AudioConditioningAvailable,
    IReadOnlyList<string> KnownWords,
    bool SafetyCheckerActive,
    IReadOnlyList<string> Schedulers,
    GenerationSettings Defaults,
    GenerationLimits Limits)
{
    public bool IsCpu => Device.StartsWith("cpu", StringComparison.OrdinalIgnoreCase);
}
