namespace Clap2Diffusion.Engine.Audio;

/// <summary>The container a clip was found in (by content, never by file name).</summary>
public enum AudioContainer
{
    /// <summary>Samples made in code.</summary>
    None,
    Wav,
    Flac,
    Mp3,
    OggVorbis,
    /// <summary>Anything decoded by the external ffmpeg program (Opus, AAC, M4A, WebM/Matroska, AIFF ...).</summary>
    Ffmpeg,
}

/// <summary>
/// What a clip was decoded from, before the mono downmix and any resampling.
/// <paramref name="Codec"/> names the sample coding (e.g. "pcm_s16", "pcm_f32", "flac", "mp3", "vorbis", or ffmpeg's codec name);
/// <paramref name="BitsPerSample"/> is 0 for lossy codecs. <paramref name="Truncated"/> is true when the file ended
/// before its header said it would; the samples that were present are kept.
/// </summary>
public sealed record AudioSourceInfo(
    AudioContainer Container,
    string Codec,
    int SampleRate,
    int Channels,
    int BitsPerSample,
    bool Truncated);
