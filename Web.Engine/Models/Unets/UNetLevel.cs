namespace Clap2Diffusion.Engine.Models.Unets;

/// <summary>Which half of the UNet a block belongs to. A value's number is its index in <c>[down, mid, up]</c> lists.</summary>
public enum UNetLevel
{
    Down,
    Mid,
    Up,
}

/// <summary>The levels in order, and the one place they become the names adapter configs and reports use.</summary>
public static class UNetLevels
{
    public static IReadOnlyList<UNetLevel> All { get; } = [UNetLevel.Down, UNetLevel.Mid, UNetLevel.Up];

    /// <summary><c>down</c>, <c>mid</c> or <c>up</c>.</summary>
    public static string Name(this UNetLevel level) => level switch
    {
        UNetLevel.Down => "down",
        UNetLevel.Mid => "mid",
        UNetLevel.Up => "up",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };
}
