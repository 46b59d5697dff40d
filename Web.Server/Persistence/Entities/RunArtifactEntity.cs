namespace Clap2Diffusion.Server.Persistence.Entities;

public enum RunArtifactKind
{
    Sample,
    Checkpoint,
}

/// <summary>A sample image (a PNG in the run's folder) or a checkpoint folder a run reported at a step.</summary>
public sealed class RunArtifactEntity
{
    public long Id { get; set; }

    public Guid RunId { get; set; }

    public RunArtifactKind Kind { get; set; }

    public long Step { get; set; }

    /// <summary>The sample's file name in the run's folder, or the checkpoint's absolute folder.</summary>
    public required string Path { get; set; }

    public string? Caption { get; set; }

    public DateTime CreatedAt { get; set; }
}
