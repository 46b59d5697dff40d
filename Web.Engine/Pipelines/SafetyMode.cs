namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>What happens to a final image the safety checker flags.</summary>
public enum SafetyMode
{
    /// <summary>No checker runs; images pass unfiltered (and their metadata says so).</summary>
    Off,

    /// <summary>A flagged image is replaced by its blur (<see cref="Imaging.ImageObscuring.Blur"/>).</summary>
    Blur,

    /// <summary>A flagged image is replaced by a plain black placeholder, as diffusers does.</summary>
    Block,
}

public static class SafetyModes
{
    public static IReadOnlyList<string> Names { get; } = ["off", "blur", "block"];

    public static SafetyMode Parse(string value, string source) => value.Trim().ToLowerInvariant() switch
    {
        "off" => SafetyMode.Off,
        "blur" => SafetyMode.Blur,
        "block" => SafetyMode.Block,
        _ => throw new InputException($"{source}: '{value}' is not a safety mode; use {string.Join(", ", Names)}"),
    };

    public static string Name(this SafetyMode mode) => Names[(int)mode];
}
