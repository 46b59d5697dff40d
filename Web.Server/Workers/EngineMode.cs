namespace Clap2Diffusion.Server.Workers;

/// <summary>Where the studio's jobs run (<c>Engine:Mode</c>).</summary>
public static class EngineMode
{
    /// <summary>In the web process, one job at a time, no Redis (the default).</summary>
    public const string InProcess = "inprocess";

    /// <summary>On engine workers that take jobs from a Redis stream; no engine in the web process.</summary>
    public const string Remote = "remote";

    /// <summary>As remote, and the web process runs an engine worker of its own on the same streams.</summary>
    public const string Hybrid = "hybrid";
}
