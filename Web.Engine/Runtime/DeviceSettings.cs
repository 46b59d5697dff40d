namespace Clap2Diffusion.Engine.Runtime;

/// <summary>Where the engine computes: read from configuration ("Engine:Device", "Engine:Threads") or flags.</summary>
public sealed record DeviceSettings
{
    /// <summary><c>cpu</c>, <c>cuda</c> or <c>auto</c> (CUDA when present, else CPU).</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Intra-op threads for LibTorch on the CPU; 0 keeps LibTorch's default (the core count).</summary>
    public int Threads { get; init; }

    public static readonly IReadOnlyList<string> DeviceNames = ["cpu", "cuda", "auto"];

    public void Validate()
    {
        if (!DeviceNames.Contains(Device.ToLowerInvariant()))
            throw new InputException($"Engine device '{Device}' is not one of {string.Join(", ", DeviceNames)}.");
        if (Threads < 0)
            throw new InputException($"Engine threads must be 0 (LibTorch default) or more, not {Threads}.");
    }
}
