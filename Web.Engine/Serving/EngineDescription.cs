using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Schedulers;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// What a loaded model set is and accepts, as an engine tells the front end: the in-process engine directly, a remote
/// worker in its announcement. The front end turns it into the pages' <c>EngineInfo</c> in one place.
/// </summary>
/// <param name="Device">Where it computes, as <c>ComputeTarget</c> prints it ("cpu float32").</param>
/// <param name="Schedulers">The default scheduler first.</param>
public sealed record EngineDescription(
    string ModelName,
    string ModelHash,
    string? ClapHash,
    string? AdaptersHash,
    string Device,
    bool HearsAudio,
    IReadOnlyList<string> KnownWords,
    bool SafetyCheckerActive,
    IReadOnlyList<string> Schedulers,
    GenerationSettings Defaults,
    GenerationLimits Limits)
{
    public static EngineDescription Of(ClapDiffusionPipeline engine)
    {
        var info = engine.Info;
        var defaults = engine.Defaults;
        return new EngineDescription(info.ModelName, info.ModelHash, info.ClapHash, info.AdaptersHash, info.Device, engine.HearsAudio,
            info.KnownWords ?? [], engine.Safety != SafetyMode.Off,
            [defaults.Scheduler, .. SchedulerFactory.Names.Where(n => n != defaults.Scheduler)], defaults, engine.Limits);
    }

    /// <summary>The set's routing key: jobs for it go only to workers that announce the same key.</summary>
    public string ModelSet => ModelSetKey.Of(ModelHash, ClapHash, AdaptersHash);

    /// <summary>"cpu" of "cpu float32".</summary>
    public string DeviceName => Device.Split(' ')[0];

    /// <summary>"float32" of "cpu float32"; empty when the device string names none.</summary>
    public string Dtype => Device.Split(' ') is [_, var dtype, ..] ? dtype : "";
}
