namespace Clap2Diffusion.Engine.Audio;

/// <summary>How <see cref="AudioDecoder"/> decodes: its limits and which ffmpeg it may use.</summary>
public sealed record AudioDecoderOptions
{
    public static readonly AudioDecoderOptions Default = new();

    public AudioLimits Limits { get; init; } = AudioLimits.Default;

    /// <summary>
    /// The ffmpeg program for formats the managed decoders do not read. Null: look for <c>ffmpeg</c> on PATH.
    /// Empty: never run ffmpeg.
    /// </summary>
    public string? FfmpegPath { get; init; }
}
