namespace Clap2Diffusion.Engine.Weights;

/// <summary>
/// Buffers that a module computes itself and that checkpoints may or may not carry, depending on the
/// version of the library that saved them. Strict loading lets them be absent or extra and never reads
/// them: the module's own values are recomputed from its config.
/// </summary>
public static class DerivedBuffers
{
    public static readonly IReadOnlyList<string> Suffixes =
    [
        ".num_batches_tracked",
        ".position_ids",
        ".token_type_ids",
        ".relative_position_index",
    ];

    public static bool IsDerived(string key) =>
        Suffixes.Any(suffix => key.EndsWith(suffix, StringComparison.Ordinal) || key == suffix[1..]);
}
