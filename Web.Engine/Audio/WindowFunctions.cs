namespace Clap2Diffusion.Engine.Audio;

public static class WindowFunctions
{
    /// <summary>
    /// The periodic Hann window of transformers' <c>window_function(n, "hann")</c>: numpy's symmetric
    /// <c>hanning(n + 1)</c> without its last point, evaluated in numpy's form 0.5 + 0.5·cos(π·m/n) with
    /// m = 2k − n, so it matches the reference to the last bit rather than to rounding.
    /// </summary>
    public static double[] PeriodicHann(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var window = new double[length];
        if (length == 1)
        {
            window[0] = 1;
            return window;
        }
        for (var k = 0; k < length; k++)
            window[k] = 0.5 + 0.5 * Math.Cos(Math.PI * (2 * k - length) / length);
        return window;
    }
}
