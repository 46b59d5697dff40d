namespace Clap2Diffusion.Engine.Parity;

/// <summary>What the user asked of a parity run: tolerance overrides and whether to keep our outputs for <c>--out</c>.</summary>
public sealed record ParityOptions
{
    /// <summary>Replaces every built-in absolute tolerance as given (not scaled by the reference's magnitude).</summary>
    public double? Atol { get; init; }

    /// <summary>Replaces every built-in relative tolerance.</summary>
    public double? Rtol { get; init; }

    public bool KeepOutputs { get; init; }

    public void Validate()
    {
        foreach (var (name, value) in new[] { ("--atol", Atol), ("--rtol", Rtol) })
            if (value is { } v && (!double.IsFinite(v) || v < 0))
                throw new InputException($"{name} must be a finite number ≥ 0, not {v}");
    }
}
