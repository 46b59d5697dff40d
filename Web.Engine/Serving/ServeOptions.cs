namespace Clap2Diffusion.Engine.Serving;

/// <summary>What <c>serve</c> was told: where the work comes from, who this worker is, and what it computes with.</summary>
/// <param name="Redis">A StackExchange.Redis configuration string, as the front end's <c>Redis:Configuration</c>.</param>
/// <param name="Server">The front end's base address.</param>
/// <param name="Key">The workers' key, read from the key file.</param>
/// <param name="Model">A diffusers folder; the embedded demo model when null.</param>
/// <param name="Clap">A CLAP folder; the model's own <c>clap/</c> when null.</param>
/// <param name="Adapters">A V4 adapter folder or training checkpoint; the model's own <c>adapters/</c> when null.</param>
/// <param name="Threads">LibTorch's CPU threads; 0 for its default.</param>
/// <param name="Drain">On SIGTERM, how long a running job may take to finish before it is handed back.</param>
public sealed record ServeOptions(string Redis, Uri Server, string Key, string Name, string? Model, string Device, int Threads, TimeSpan Drain,
    string? Clap = null, string? Adapters = null)
{
    /// <summary>Folders this worker reads and writes at the same paths as the front end (datasets, run folders).</summary>
    public IReadOnlyList<string> SharedRoots { get; init; } = [];

    public static string DefaultName => $"{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}";
}
