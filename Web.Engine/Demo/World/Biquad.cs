namespace Clap2Diffusion.Engine.Demo.World;

/// <summary>A second-order IIR section with the RBJ audio-EQ-cookbook designs the synthesiser needs.</summary>
internal sealed class Biquad
{
    private readonly double b0, b1, b2, a1, a2;
    private double x1, x2, y1, y2;

    private Biquad(double b0, double b1, double b2, double a0, double a1, double a2)
    {
        this.b0 = b0 / a0;
        this.b1 = b1 / a0;
        this.b2 = b2 / a0;
        this.a1 = a1 / a0;
        this.a2 = a2 / a0;
    }

    public static Biquad LowPass(double cutoff, double q, int sampleRate)
    {
        var (cos, alpha) = Prewarp(cutoff, q, sampleRate);
        return new Biquad((1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
    }

    public static Biquad HighPass(double cutoff, double q, int sampleRate)
    {
        var (cos, alpha) = Prewarp(cutoff, q, sampleRate);
        return new Biquad((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
    }

    /// <summary>Band-pass with 0 dB gain at the centre.</summary>
    public static Biquad BandPass(double centre, double q, int sampleRate)
    {
        var (cos, alpha) = Prewarp(centre, q, sampleRate);
        return new Biquad(alpha, 0, -alpha, 1 + alpha, -2 * cos, 1 - alpha);
    }

    public double Process(double x)
    {
        var y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1;
        x1 = x;
        y2 = y1;
        y1 = y;
        return y;
    }

    private static (double Cos, double Alpha) Prewarp(double frequency, double q, int sampleRate)
    {
        var omega = 2 * Math.PI * Math.Min(frequency, 0.45 * sampleRate) / sampleRate;
        return (Math.Cos(omega), Math.Sin(omega) / (2 * q));
    }
}
