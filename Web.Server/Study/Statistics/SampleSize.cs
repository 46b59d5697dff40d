namespace Clap2Diffusion.Server.Study.Statistics;

/// <summary>How many independent ratings a one-sided test of a proportion needs.</summary>
public static class SampleSize
{
    /// <summary>
    /// Ratings needed to show p &gt; <paramref name="p0"/> when the true rate is <paramref name="p1"/>, with a
    /// one-sided test at <paramref name="alpha"/> and the given power (normal approximation):
    /// n = ((z_(1-alpha) sqrt(p0 q0) + z_power sqrt(p1 q1)) / (p1 - p0))^2, rounded up.
    /// </summary>
    public static int ForOneSidedProportion(double p0, double p1, double alpha = 0.05, double power = 0.8)
    {
        if (p1 <= p0)
            throw new ArgumentOutOfRangeException(nameof(p1), p1, $"the expected rate must exceed {p0} to be shown above it");
        if (p0 is <= 0 or >= 1 || p1 >= 1)
            throw new ArgumentOutOfRangeException(nameof(p0), "rates lie strictly between 0 and 1");
        var zAlpha = Normal.Quantile(1 - alpha);
        var zPower = Normal.Quantile(power);
        var root = (zAlpha * Math.Sqrt(p0 * (1 - p0)) + zPower * Math.Sqrt(p1 * (1 - p1))) / (p1 - p0);
        return (int)Math.Ceiling(root * root - 1e-9);
    }
}
