namespace Clap2Diffusion.Engine.Weights;

/// <summary>
/// How a checkpoint's on-disk names map to a module's state-dict keys. Models keep their field names;
/// any historical renaming (legacy VAE attention names, for one) lives here, in the loader.
/// </summary>
public sealed record KeyTranslation(string Name, Func<string, string> Rename)
{
    public static readonly KeyTranslation Identity = new("identity", key => key);

    /// <summary>Original LDM files store some linear layers as 1x1 convolutions; accept [out, in, 1, 1] for [out, in].</summary>
    public bool SqueezeUnitConvToLinear { get; init; }
}
