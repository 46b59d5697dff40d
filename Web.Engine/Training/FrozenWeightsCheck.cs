namespace Clap2Diffusion.Engine.Training;

/// <summary>
/// Frozen means frozen: the fingerprint of every weight of the base model and CLAP, taken when the check is made
/// and taken again when it is asked, so a run reports whether training left them bit-identical instead of assuming it.
/// </summary>
public sealed class FrozenWeightsCheck(TrainingComponents components)
{
    private readonly string before = components.FrozenFingerprint();

    /// <summary>Hashes the frozen weights again and compares them with the hashes taken at the start.</summary>
    public bool Unchanged() => components.FrozenFingerprint() == before;
}
