namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// Collects decoded sample frames as mono (the mean of the channels), growing as needed but never past the
/// frame limit, so a stream of unknown length cannot make it allocate more than the limits allow.
/// </summary>
internal sealed class MonoBuffer
{
    private readonly string origin;
    private readonly AudioLimits limits;
    private readonly int sampleRate;
    private readonly int channels;
    private readonly long maxFrames;
    private float[] samples;
    private int count;

    public MonoBuffer(string origin, AudioLimits limits, int sampleRate, int channels, long expectedFrames = 0)
    {
        this.origin = origin;
        this.limits = limits;
        this.sampleRate = sampleRate;
        this.channels = channels;
        maxFrames = Math.Min(limits.MaxFrames(sampleRate), Array.MaxLength);
        var initial = expectedFrames > 0 ? Math.Min(expectedFrames, maxFrames) : Math.Min(sampleRate, maxFrames);
        samples = new float[Math.Max(1, initial)];
    }

    public int Count => count;

    /// <summary>Adds whole interleaved frames; a trailing partial frame is the caller's to drop.</summary>
    public void AddInterleaved(ReadOnlySpan<float> interleaved)
    {
        var frames = interleaved.Length / channels;
        Reserve(frames);
        if (channels == 1)
        {
            interleaved[..frames].CopyTo(samples.AsSpan(count));
            count += frames;
            return;
        }
        for (var f = 0; f < frames; f++)
        {
            var frame = interleaved.Slice(f * channels, channels);
            double sum = 0;
            foreach (var value in frame)
                sum += value;
            samples[count++] = (float)(sum / channels);
        }
    }

    /// <summary>Adds one frame given as the sum of its channels' values.</summary>
    public void AddChannelSum(double sum)
    {
        Reserve(1);
        samples[count++] = (float)(sum / channels);
    }

    public float[] ToArray()
    {
        if (samples.Length != count)
            Array.Resize(ref samples, count);
        return samples;
    }

    private void Reserve(int frames)
    {
        long needed = (long)count + frames;
        if (needed <= samples.Length)
            return;
        if (needed > maxFrames)
        {
            limits.CheckFrameCount(origin, needed, sampleRate);
            throw new AudioFormatException(origin, "the audio is too long to hold in memory");
        }
        var grown = Math.Min(Math.Max(needed, (long)samples.Length * 2), maxFrames);
        Array.Resize(ref samples, (int)grown);
    }
}
