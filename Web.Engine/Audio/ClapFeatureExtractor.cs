using System.Numerics;

namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// transformers' <c>ClapFeatureExtractor</c> for the unfused CLAP models (truncation "rand_trunc"): a mono
/// clip at the configured rate is cropped (longer clips, at a random or given offset) or repeat-padded to
/// max_length_s, then turned into a log-mel spectrogram: periodic Hann window, reflect padding of n_fft/2,
/// one-sided FFT in float64 whose bins are rounded to float32 (numpy stores them as complex64), power,
/// slaney-scale slaney-normalised mel filters, floor 1e-10, 10·log10, float32. Thread-safe.
/// </summary>
public sealed class ClapFeatureExtractor
{
    private const double MelFloor = 1e-10;

    private readonly double[] window;

    public ClapFeatureExtractor(ClapFeatureExtractorConfig config)
    {
        config.Validate();
        Config = config;
        window = WindowFunctions.PeriodicHann(config.FftWindowSize);
        MelFiltersSlaney = new MelFilterBank(config.FftWindowSize / 2 + 1, config.FeatureSize, config.FrequencyMin,
            config.FrequencyMax, config.SamplingRate, MelScale.Slaney, slaneyNorm: true);
        var padded = config.MaxSamples + 2 * (config.FftWindowSize / 2);
        FrameCount = 1 + (padded - config.FftWindowSize) / config.HopLength;
    }

    /// <summary>Reads <c>preprocessor_config.json</c> from a CLAP model folder.</summary>
    public static ClapFeatureExtractor FromPretrained(string folder) => new(ClapFeatureExtractorConfig.Read(folder));

    public ClapFeatureExtractorConfig Config { get; }

    public MelFilterBank MelFiltersSlaney { get; }

    public IReadOnlyList<double> Window => window;

    /// <summary>Frames of every output (1001 for 10 s at 48 kHz with hop 480).</summary>
    public int FrameCount { get; }

    /// <summary>Features of a decoded clip, resampled to the configured rate first when needed; a longer clip is cropped where <paramref name="random"/> says.</summary>
    public ClapFeatures Extract(AudioClip clip, Random random) => Extract(clip.ResampleTo(Config.SamplingRate).Samples, random);

    public ClapFeatures Extract(AudioClip clip, int cropOffset) => Extract(clip.ResampleTo(Config.SamplingRate).Samples, cropOffset);

    /// <summary>
    /// Features of a clip already at the configured rate. A clip longer than max_length_s is cropped at an offset
    /// drawn uniformly from 0 … length − max (both ends included, as numpy's randint(0, overflow + 1)).
    /// </summary>
    public ClapFeatures Extract(ReadOnlySpan<float> waveform, Random random)
    {
        var overflow = waveform.Length - Config.MaxSamples;
        return Extract(waveform, overflow > 0 ? random.Next(0, overflow + 1) : 0);
    }

    /// <summary>Features with the crop of a longer clip at <paramref name="cropOffset"/> (must be 0 for other clips).</summary>
    public ClapFeatures Extract(ReadOnlySpan<float> waveform, int cropOffset)
    {
        if (waveform.IsEmpty)
            throw new InputException("the audio clip is empty; CLAP features need at least one sample");
        foreach (var sample in waveform)
            if (!float.IsFinite(sample))
                throw new InputException("the audio clip contains NaN or infinite samples");

        var max = Config.MaxSamples;
        var overflow = waveform.Length - max;
        var maxOffset = Math.Max(0, overflow);
        if (cropOffset < 0 || cropOffset > maxOffset)
            throw new ArgumentOutOfRangeException(nameof(cropOffset), cropOffset,
                $"the crop offset must lie in 0 … {maxOffset} for a clip of {waveform.Length} samples");

        var isLonger = overflow > 0;
        var fitted = isLonger ? waveform.Slice(cropOffset, max).ToArray() : Fit(waveform, max, Config.Padding);
        var values = LogMelSpectrogram(fitted);
        return new ClapFeatures(values, FrameCount, Config.FeatureSize, isLonger, cropOffset);
    }

    /// <summary>Repeats and/or zero-pads a clip of at most <paramref name="max"/> samples to exactly that length.</summary>
    private static float[] Fit(ReadOnlySpan<float> waveform, int max, string padding)
    {
        var fitted = new float[max];
        if (waveform.Length == max || padding == "pad")
        {
            waveform.CopyTo(fitted);
            return fitted;
        }
        var repeats = max / waveform.Length + (padding == "repeat" ? 1 : 0);
        var filled = 0;
        for (var r = 0; r < repeats && filled < max; r++)
        {
            var take = Math.Min(waveform.Length, max - filled);
            waveform[..take].CopyTo(fitted.AsSpan(filled));
            filled += take;
        }
        return fitted;
    }

    private float[] LogMelSpectrogram(float[] samples)
    {
        var n = Config.FftWindowSize;
        var hop = Config.HopLength;
        var mels = Config.FeatureSize;
        var half = n / 2;
        var padded = new double[samples.Length + 2 * half];
        for (var i = 0; i < padded.Length; i++)
            padded[i] = samples[ReflectIndex(i - half, samples.Length)];

        var fft = new RealFft(n);
        var frame = new double[n];
        var bins = new Complex[fft.Bins];
        var power = new double[fft.Bins];
        var mel = new double[mels];
        var output = new float[FrameCount * mels];
        for (var f = 0; f < FrameCount; f++)
        {
            var start = f * hop;
            for (var i = 0; i < n; i++)
                frame[i] = padded[start + i] * window[i];
            fft.Forward(frame, bins);
            for (var b = 0; b < bins.Length; b++)
            {
                // numpy keeps the spectrum as complex64, then takes |X| in float64 and squares it.
                double re = (float)bins[b].Real, im = (float)bins[b].Imaginary;
                var magnitude = Math.Sqrt(re * re + im * im);
                power[b] = magnitude * magnitude;
            }
            MelFiltersSlaney.Apply(power, mel);
            for (var m = 0; m < mels; m++)
                output[f * mels + m] = (float)(10.0 * Math.Log10(Math.Max(MelFloor, mel[m])));
        }
        return output;
    }

    /// <summary>numpy's "reflect" padding: mirror about the end samples without repeating them, as often as needed.</summary>
    private static int ReflectIndex(int index, int length)
    {
        if (length == 1)
            return 0;
        var period = 2 * (length - 1);
        index %= period;
        if (index < 0)
            index += period;
        return index < length ? index : period - index;
    }
}
