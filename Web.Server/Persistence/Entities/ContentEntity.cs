namespace Clap2Diffusion.Server.Persistence.Entities;

/// <summary>A file in the content store, named by the sha256 of its bytes; the row counts it towards the quota.</summary>
public sealed class ContentEntity
{
    public required string Hash { get; set; }

    /// <summary>"wav" or "png": the file's extension on disk and in its URL.</summary>
    public required string Extension { get; set; }

    public long Bytes { get; set; }

    public DateTime CreatedAt { get; set; }
}
