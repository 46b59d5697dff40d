using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Server.Engine;

/// <summary>One job as the backend receives it.</summary>
/// <param name="JobId">The job, for the backend's own logs.</param>
/// <param name="Kind">Text-only image, or pair (audio-conditioned image plus same-seed text-only baseline).</param>
/// <param name="Settings">Validated against the effective limits; <c>Settings.Seed</c> is always set.</param>
/// <param name="AudioPath">The uploaded clip (mono 16-bit PCM WAV, as the upload decoder stored it) in the content store, for pairs; read it, never write it.</param>
public sealed record GenerationWork(Guid JobId, JobKind Kind, GenerationSettings Settings, string? AudioPath)
{
    /// <summary>For an edit: the prepared starting image (a PNG of the job's size) in the content store; read it, never write it.</summary>
    public string? InitImagePath { get; init; }

    public long Seed => Settings.Seed ?? throw new InvalidOperationException("The server sets the seed before a job runs.");
}
