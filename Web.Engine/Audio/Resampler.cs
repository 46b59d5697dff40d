using System.Numerics;
using System.Runtime.InteropServices;

namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// Band-limited sample-rate conversion by a Kaiser-windowed sinc, evaluated polyphase for the rational ratio
/// L/M = to/from (reduced). The low-pass is placed relative to the lower of the two Nyquist frequencies:
/// flat to <see cref="PassbandEdge"/> of it (ripple about 1e-4 dB), at least <see cref="StopbandAttenuationDb"/>
/// down from <see cref="StopbandEdge"/> of it, so nothing above the new Nyquist aliases and no image survives.
/// The filter is zero-phase (no delay); samples outside the clip count as zeros.
/// </summary>
public static class Resampler
{
    public const double PassbandEdge = 0.90;
    public const double StopbandEdge = 1.00;
    public const double StopbandAttenuationDb = 100;

    // Ratios with more phases than this evaluate the filter from a finely tabulated copy by linear
    // interpolation instead of keeping one exact coefficient set per phase.
    private const int MaxExactPhases = 1024;
    private const int TableStepsPerSample = 4096;

    public static float[] Resample(ReadOnlySpan<float> input, int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        if (fromRate == toRate)
            return input.ToArray();
        var divisor = Gcd(fromRate, toRate);
        var up = toRate / divisor;
        var down = fromRate / divisor;
        var outputLength = (int)(((long)input.Length * up + down - 1) / down);
        var design = new KaiserLowPass(Math.Min(1.0, (double)up / down));

        var half = design.HalfWidth;
        var padded = new double[input.Length + 2 * half + 2];
        for (var i = 0; i < input.Length; i++)
            padded[i + half] = input[i];

        var output = new float[outputLength];
        var taps = 2 * half + 1;
        if (up <= MaxExactPhases)
        {
            var phases = new double[up][];
            for (var p = 0; p < up; p++)
                phases[p] = design.Coefficients((double)p / up, taps);
            for (var k = 0; k < outputLength; k++)
            {
                var position = (long)k * down;
                var start = (int)(position / up);
                output[k] = (float)Dot(phases[(int)(position % up)], padded.AsSpan(start, taps));
            }
        }
        else
        {
            var table = design.Table(TableStepsPerSample);
            var coefficients = new double[taps];
            for (var k = 0; k < outputLength; k++)
            {
                var position = (long)k * down;
                var start = (int)(position / up);
                design.Interpolate(table, TableStepsPerSample, (double)(position % up) / up, coefficients);
                output[k] = (float)Dot(coefficients, padded.AsSpan(start, taps));
            }
        }
        return output;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = Vector<double>.Zero;
        var va = MemoryMarshal.Cast<double, Vector<double>>(a);
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b);
        for (var i = 0; i < va.Length; i++)
            sum += va[i] * vb[i];
        var total = Vector.Sum(sum);
        for (var i = va.Length * Vector<double>.Count; i < a.Length; i++)
            total += a[i] * b[i];
        return total;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
            (a, b) = (b, a % b);
        return a;
    }

    /// <summary>
    /// The continuous impulse response h(τ) = 2fc·sinc(2fc·τ)·w(τ/H), τ in input samples, where the scale
    /// (1 for upsampling, L/M for downsampling) sets the cut-off fc and the half-width H.
    /// </summary>
    private sealed class KaiserLowPass
    {
        private readonly double cutoff;
        private readonly double halfSpan;
        private readonly double beta;
        private readonly double besselBeta;

        public KaiserLowPass(double scale)
        {
            var nyquist = 0.5 * scale;
            cutoff = nyquist * (PassbandEdge + StopbandEdge) / 2;
            var transition = nyquist * (StopbandEdge - PassbandEdge);
            // Kaiser's design formulas for the window length and shape at this attenuation and transition width.
            var length = (StopbandAttenuationDb - 7.95) / (14.36 * transition);
            HalfWidth = (int)Math.Ceiling(length / 2);
            halfSpan = HalfWidth;
            beta = 0.1102 * (StopbandAttenuationDb - 8.7);
            besselBeta = BesselI0(beta);
        }

        /// <summary>Taps reach this many input samples either side of the output position.</summary>
        public int HalfWidth { get; }

        /// <summary>Coefficients for an output at input position n + <paramref name="fraction"/>, over inputs n - H .. n + H.</summary>
        public double[] Coefficients(double fraction, int taps)
        {
            var coefficients = new double[taps];
            for (var j = 0; j < taps; j++)
                coefficients[j] = Response(fraction - (j - HalfWidth));
            return coefficients;
        }

        public double[] Table(int stepsPerSample)
        {
            var table = new double[HalfWidth * stepsPerSample + 2];
            for (var i = 0; i < table.Length; i++)
                table[i] = Response((double)i / stepsPerSample);
            return table;
        }

        public void Interpolate(double[] table, int stepsPerSample, double fraction, Span<double> coefficients)
        {
            for (var j = 0; j < coefficients.Length; j++)
            {
                var at = Math.Abs(fraction - (j - HalfWidth)) * stepsPerSample;
                var index = (int)at;
                if (index + 1 >= table.Length)
                {
                    coefficients[j] = 0;
                    continue;
                }
                var weight = at - index;
                coefficients[j] = table[index] + (table[index + 1] - table[index]) * weight;
            }
        }

        private double Response(double tau)
        {
            var x = tau / halfSpan;
            if (Math.Abs(x) >= 1)
                return 0;
            var argument = 2 * cutoff * tau;
            var sinc = argument == 0 ? 1 : Math.Sin(Math.PI * argument) / (Math.PI * argument);
            return 2 * cutoff * sinc * BesselI0(beta * Math.Sqrt(1 - x * x)) / besselBeta;
        }

        /// <summary>The modified Bessel function of the first kind, order 0, by its power series.</summary>
        private static double BesselI0(double x)
        {
            double sum = 1, term = 1, quarterSquare = x * x / 4;
            for (var k = 1; k < 500 && term > 1e-17 * sum; k++)
            {
                term *= quarterSquare / ((double)k * k);
                sum += term;
            }
            return sum;
        }
    }
}
