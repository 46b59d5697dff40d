namespace Clap2Diffusion.Engine.Audio;

/// <summary>The mel scales of transformers' <c>audio_utils</c>.</summary>
public enum MelScale
{
    /// <summary>2595·log10(1 + f/700).</summary>
    Htk,
    /// <summary>Linear below 1 kHz (3f/200), logarithmic above (15 + ln(f/1000)·27/ln 6.4); librosa's default.</summary>
    Slaney,
}

/// <summary>
/// Triangular mel filters as transformers' <c>mel_filter_bank</c> makes them (librosa's with slaney scale and
/// norm, torchaudio's with HTK and no norm), in float64, shape (frequency bins, mels): mel = filtersᵀ·power.
/// Each filter is also kept as its non-zero bin range, so applying the bank skips the zeros.
/// </summary>
public sealed class MelFilterBank
{
    private readonly double[,] weights;
    private readonly int[] firstBin;
    private readonly int[] lastBin;

    public MelFilterBank(int frequencyBins, int mels, double minFrequency, double maxFrequency, int samplingRate,
        MelScale scale, bool slaneyNorm)
    {
        if (frequencyBins < 2)
            throw new ArgumentOutOfRangeException(nameof(frequencyBins), "a mel filter bank needs at least 2 frequency bins");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mels);
        if (minFrequency > maxFrequency)
            throw new ArgumentException($"the lowest mel frequency {minFrequency} exceeds the highest {maxFrequency}");

        FrequencyBins = frequencyBins;
        Mels = mels;
        var melEdges = Linspace(HertzToMel(minFrequency, scale), HertzToMel(maxFrequency, scale), mels + 2);
        var edges = melEdges.Select(m => MelToHertz(m, scale)).ToArray();
        var binFrequencies = Linspace(0, samplingRate / 2, frequencyBins);
        CentreFrequencies = edges[1..^1];

        weights = new double[frequencyBins, mels];
        firstBin = new int[mels];
        lastBin = new int[mels];
        for (var m = 0; m < mels; m++)
        {
            firstBin[m] = frequencyBins;
            lastBin[m] = -1;
            var norm = slaneyNorm ? 2.0 / (edges[m + 2] - edges[m]) : 1.0;
            for (var b = 0; b < frequencyBins; b++)
            {
                var down = -(edges[m] - binFrequencies[b]) / (edges[m + 1] - edges[m]);
                var up = (edges[m + 2] - binFrequencies[b]) / (edges[m + 2] - edges[m + 1]);
                var weight = Math.Max(0.0, Math.Min(down, up)) * norm;
                weights[b, m] = weight;
                if (weight != 0)
                {
                    firstBin[m] = Math.Min(firstBin[m], b);
                    lastBin[m] = b;
                }
            }
        }
    }

    public int FrequencyBins { get; }

    public int Mels { get; }

    /// <summary>Weight of frequency bin <paramref name="bin"/> in filter <paramref name="mel"/>.</summary>
    public double this[int bin, int mel] => weights[bin, mel];

    /// <summary>The centre frequency (Hz) of each filter, where its triangle peaks.</summary>
    public IReadOnlyList<double> CentreFrequencies { get; }

    /// <summary>mel[m] = Σ_b weights[b, m]·power[b].</summary>
    public void Apply(ReadOnlySpan<double> power, Span<double> mel)
    {
        for (var m = 0; m < Mels; m++)
        {
            double sum = 0;
            for (var b = firstBin[m]; b <= lastBin[m]; b++)
                sum += weights[b, m] * power[b];
            mel[m] = sum;
        }
    }

    public static double HertzToMel(double hertz, MelScale scale)
    {
        if (scale == MelScale.Htk)
            return 2595.0 * Math.Log10(1.0 + hertz / 700.0);
        var mels = 3.0 * hertz / 200.0;
        return hertz >= 1000.0 ? 15.0 + Math.Log(hertz / 1000.0) * (27.0 / Math.Log(6.4)) : mels;
    }

    public static double MelToHertz(double mels, MelScale scale)
    {
        if (scale == MelScale.Htk)
            return 700.0 * (Math.Pow(10, mels / 2595.0) - 1.0);
        var hertz = 200.0 * mels / 3.0;
        return mels >= 15.0 ? 1000.0 * Math.Exp(Math.Log(6.4) / 27.0 * (mels - 15.0)) : hertz;
    }

    /// <summary>numpy's linspace: start + i·step, with the last point set to stop exactly.</summary>
    private static double[] Linspace(double start, double stop, int count)
    {
        var values = new double[count];
        var step = count > 1 ? (stop - start) / (count - 1) : 0;
        for (var i = 0; i < count; i++)
            values[i] = i * step + start;
        if (count > 1)
            values[^1] = stop;
        return values;
    }
}
