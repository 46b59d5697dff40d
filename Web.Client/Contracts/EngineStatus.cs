namespace Clap2Diffusion.Client.Contracts;

/// <summary>What the pages show about the engine: whether it runs, and what it is.</summary>
/// <param name="MaxAudioSeconds">The longest clip the server accepts; the studio trims recordings to it.</param>
public sealed record EngineStatus(bool Ready, string? Problem, EngineInfo? Info, string AppVersion, double MaxAudioSeconds);

/// <summary>The active model as the studio and the About page describe it.</summary>
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
    IReadOnlyList<string>? Loras = null);
