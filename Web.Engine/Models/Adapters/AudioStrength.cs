namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>
/// How strongly the audio adapters act at inference: a global multiplier (SonicDiffusion's f_multiplier) and
/// one per UNet level. 0 everywhere is text only; 1 is the trained strength; above 1 exaggerates.
/// </summary>
public sealed record AudioStrength(double Global = 1.0, double Down = 1.0, double Mid = 1.0, double Up = 1.0)
{
    public static readonly AudioStrength Off = new(0.0);

    public double For(Unets.UNetLevel level) => Global * level switch
    {
        Unets.UNetLevel.Down => Down,
        Unets.UNetLevel.Mid => Mid,
        _ => Up,
    };

    /// <summary>This strength with one UNet level's multiplier scaled by <paramref name="factor"/>.</summary>
    public AudioStrength Scaled(Unets.UNetLevel level, double factor) => level switch
    {
        Unets.UNetLevel.Down => this with { Down = Down * factor },
        Unets.UNetLevel.Mid => this with { Mid = Mid * factor },
        _ => this with { Up = Up * factor },
    };

    public void Validate()
    {
        foreach (var (name, value) in new[] { ("audio strength", Global), ("down strength", Down), ("mid strength", Mid), ("up strength", Up) })
            if (value < 0 || value > 10 || double.IsNaN(value))
                throw new InputException($"{name} must lie in [0, 10], not {value}");
    }
}
