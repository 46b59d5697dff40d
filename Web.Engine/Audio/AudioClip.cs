namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// Mono audio as float samples (nominally in [-1, 1]; decoded float input is not clipped) at
/// <see cref="SampleRate"/>, with a note of what it was decoded from.
/// </summary>
public sealed record AudioClip(float[] Samples, int SampleRate, AudioSourceInfo Source)
{
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);

    /// <summary>This clip at another rate, through the band-limited <see cref="Resampler"/>; itself when the rate already matches.</summary>
    public AudioClip ResampleTo(int sampleRate) =>
        sampleRate == SampleRate ? this : this with { Samples = Resampler.Resample(Samples, SampleRate, sampleRate), SampleRate = sampleRate };

    /// <summary>A clip made in code (tests, the demo world), not decoded from a file.</summary>
    public static AudioClip FromSamples(float[] samples, int sampleRate) =>
        new(samples, sampleRate, new AudioSourceInfo(AudioContainer.None, "float32", sampleRate, 1, 32, false));
}
