namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>Which half of the UNet a block belongs to.</summary>
public enum UNetLevel
{
    Down,
    Mid,
    Up,
}
