using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Serving;

namespace Clap2Diffusion.Server.Engine;

/// <summary>The one place an engine's description (in-process or a remote worker's) becomes the pages' <see cref="EngineInfo"/>.</summary>
public static class EngineInfos
{
    // A web server offers at most 1024 pixels a side: larger images take minutes even on a GPU and crowd the queue.
    private const int MaxSideOnline = 1024;

    public static EngineInfo From(EngineDescription engine) =>
        new(engine.ModelName, engine.ModelHash, engine.AdaptersHash, engine.Device, engine.HearsAudio, engine.KnownWords,
            engine.SafetyCheckerActive, engine.Schedulers, engine.Defaults,
            engine.Limits with { MaxSide = Math.Min(engine.Limits.MaxSide, MaxSideOnline) }, ModelSet: engine.ModelSet);
}
