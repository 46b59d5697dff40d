namespace Clap2Diffusion.Server.Persistence.Entities;

/// <summary>A clip a client uploaded. The bytes live once in the content store under <see cref="ContentHash"/>.</summary>
public sealed class UploadEntity
{
    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public required string ContentHash { get; set; }

    /// <summary>Sanitised for display and downloads only; never a path on disk.</summary>
    public required string FileName { get; set; }

    public double DurationSeconds { get; set; }

    public int SampleRate { get; set; }

    public int Channels { get; set; }

    public long Bytes { get; set; }

    public DateTime CreatedAt { get; set; }
}
