using System.Numerics;

namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// A complex discrete Fourier transform of any length in double precision: iterative radix-2 for powers of
/// two, Bluestein's chirp-z (through a power-of-two transform) otherwise. Twiddles come from sin/cos of the
/// exact angles, not from a recurrence, so rounding stays at a few ulps of the largest value.
/// </summary>
public sealed class Fft
{
    private readonly int length;
    private readonly int[]? bitReversal;
    private readonly Complex[]? twiddles;
    private readonly Bluestein? bluestein;

    public Fft(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        this.length = length;
        if (BitOperations.IsPow2(length))
        {
            bitReversal = BitReversal(length);
            twiddles = new Complex[length / 2];
            for (var k = 0; k < length / 2; k++)
                twiddles[k] = Complex.FromPolarCoordinates(1, -2 * Math.PI * k / length);
        }
        else
            bluestein = new Bluestein(length);
    }

    public int Length => length;

    /// <summary>In place: X[k] = Σ x[n]·exp(-2πi·kn/N).</summary>
    public void Forward(Span<Complex> data)
    {
        if (data.Length != length)
            throw new ArgumentException($"expected {length} values, got {data.Length}", nameof(data));
        if (bluestein is not null)
            bluestein.Transform(data);
        else
            Radix2(data, bitReversal!, twiddles!);
    }

    private static void Radix2(Span<Complex> data, int[] reversal, Complex[] twiddles)
    {
        var n = data.Length;
        for (var i = 0; i < n; i++)
        {
            var j = reversal[i];
            if (j > i)
                (data[i], data[j]) = (data[j], data[i]);
        }
        for (var size = 2; size <= n; size <<= 1)
        {
            var half = size >> 1;
            var stride = n / size;
            for (var start = 0; start < n; start += size)
            {
                for (var k = 0; k < half; k++)
                {
                    var t = twiddles[k * stride] * data[start + k + half];
                    var u = data[start + k];
                    data[start + k] = u + t;
                    data[start + k + half] = u - t;
                }
            }
        }
    }

    private static int[] BitReversal(int n)
    {
        var bits = BitOperations.Log2((uint)n);
        var table = new int[n];
        for (var i = 0; i < n; i++)
        {
            var reversed = 0;
            for (var b = 0; b < bits; b++)
                reversed |= ((i >> b) & 1) << (bits - 1 - b);
            table[i] = reversed;
        }
        return table;
    }

    /// <summary>X[k] = conj(w[k])·Σ (x[n]·conj(w[n]))·w[k-n] with w[n] = exp(iπn²/N): a convolution done by a power-of-two FFT.</summary>
    private sealed class Bluestein
    {
        private readonly int length;
        private readonly Complex[] chirp;
        private readonly Complex[] kernelSpectrum;
        private readonly Fft inner;

        public Bluestein(int length)
        {
            this.length = length;
            var size = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * length - 1));
            inner = new Fft(size);
            chirp = new Complex[length];
            for (var n = 0; n < length; n++)
            {
                // n² mod 2N keeps the angle small, so sin/cos stay exact for long transforms.
                var square = (long)n * n % (2L * length);
                chirp[n] = Complex.FromPolarCoordinates(1, Math.PI * square / length);
            }
            kernelSpectrum = new Complex[size];
            kernelSpectrum[0] = chirp[0];
            for (var n = 1; n < length; n++)
                kernelSpectrum[n] = kernelSpectrum[size - n] = chirp[n];
            inner.Forward(kernelSpectrum);
        }

        public void Transform(Span<Complex> data)
        {
            var size = kernelSpectrum.Length;
            var work = new Complex[size];
            for (var n = 0; n < length; n++)
                work[n] = data[n] * Complex.Conjugate(chirp[n]);
            inner.Forward(work);
            for (var k = 0; k < size; k++)
                work[k] = Complex.Conjugate(work[k] * kernelSpectrum[k]);
            // The inverse transform as conj(FFT(conj(·)))/size.
            inner.Forward(work);
            for (var k = 0; k < length; k++)
                data[k] = Complex.Conjugate(work[k]) / size * Complex.Conjugate(chirp[k]);
        }
    }
}
