namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// What the decoder accepts. Checked from headers before any large allocation, and again while decoding
/// streams whose length is not known up front, so a hostile file costs at most these bounds.
/// </summary>
public sealed record AudioLimits
{
    public static readonly AudioLimits Default = new();

    /// <summary>Size of the encoded file or upload.</summary>
    public long MaxBytes { get; init; } = 50L * 1024 * 1024;

    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Shorter clips are refused. An empty clip (no sample frames) is always refused.</summary>
    public TimeSpan MinDuration { get; init; } = TimeSpan.FromMilliseconds(10);

    public int MinSampleRate { get; init; } = 1000;

    public int MaxSampleRate { get; init; } = 384_000;

    public int MaxChannels { get; init; } = 32;

    /// <summary>
    /// Wall-clock limit for one ffmpeg run. Ten minutes of any audio codec decode in a few seconds on one thread; a
    /// file that takes longer is made to.
    /// </summary>
    public TimeSpan FfmpegTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The most sample frames a clip at <paramref name="sampleRate"/> may hold.</summary>
    public long MaxFrames(int sampleRate) => (long)Math.Ceiling(MaxDuration.TotalSeconds * sampleRate);

    internal void CheckFormat(string origin, int sampleRate, int channels)
    {
        if (channels < 1 || channels > MaxChannels)
            throw new AudioFormatException(origin, $"{channels} channels (supported: 1 to {MaxChannels})");
        if (sampleRate < MinSampleRate || sampleRate > MaxSampleRate)
            throw new AudioFormatException(origin, $"sample rate {sampleRate} Hz (supported: {MinSampleRate} to {MaxSampleRate} Hz)");
    }

    internal void CheckFrameCount(string origin, long frames, int sampleRate)
    {
        if (frames > MaxFrames(sampleRate))
            throw new AudioFormatException(origin,
                $"the audio lasts {Seconds(frames, sampleRate)}, longer than the {MaxDuration.TotalSeconds:0.###} s limit");
    }

    internal void CheckDecoded(string origin, long frames, int sampleRate)
    {
        if (frames == 0)
            throw new AudioFormatException(origin, "the audio holds no samples");
        CheckFrameCount(origin, frames, sampleRate);
        if (frames < MinDuration.TotalSeconds * sampleRate)
            throw new AudioFormatException(origin,
                $"the audio lasts {Seconds(frames, sampleRate)}, shorter than the {MinDuration.TotalSeconds:0.###} s minimum");
    }

    private static string Seconds(long frames, int sampleRate) => $"{(double)frames / sampleRate:0.###} s";
}
