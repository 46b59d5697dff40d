using System.Numerics;

namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// The one-sided transform of real input (numpy's rfft): N/2 + 1 bins. Even lengths pack the input into a
/// complex transform of half the length and untangle the halves; odd lengths use the full complex transform.
/// Not thread-safe (it keeps a work buffer); make one per thread.
/// </summary>
public sealed class RealFft
{
    private readonly int length;
    private readonly Fft fft;
    private readonly Complex[] work;
    private readonly Complex[]? untangle;

    public RealFft(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        this.length = length;
        if (length % 2 == 0)
        {
            fft = new Fft(length / 2);
            work = new Complex[length / 2];
            untangle = new Complex[length / 2 + 1];
            for (var k = 0; k <= length / 2; k++)
                untangle[k] = Complex.FromPolarCoordinates(1, -2 * Math.PI * k / length);
        }
        else
        {
            fft = new Fft(length);
            work = new Complex[length];
        }
    }

    public int Length => length;

    public int Bins => length / 2 + 1;

    public void Forward(ReadOnlySpan<double> input, Span<Complex> bins)
    {
        if (input.Length != length || bins.Length != Bins)
            throw new ArgumentException($"expected {length} inputs and {Bins} bins");
        if (untangle is null)
        {
            for (var n = 0; n < length; n++)
                work[n] = input[n];
            fft.Forward(work);
            work.AsSpan(0, Bins).CopyTo(bins);
            return;
        }

        var half = length / 2;
        for (var n = 0; n < half; n++)
            work[n] = new Complex(input[2 * n], input[2 * n + 1]);
        fft.Forward(work);
        for (var k = 0; k <= half; k++)
        {
            var zk = work[k % half];
            var zc = Complex.Conjugate(work[(half - k) % half]);
            var even = (zk + zc) * 0.5;
            var odd = (zk - zc) * new Complex(0, -0.5);
            bins[k] = even + untangle[k] * odd;
        }
    }
}
