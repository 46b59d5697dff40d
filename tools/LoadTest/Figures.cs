namespace Clap2Diffusion.LoadTest;

/// <summary>Summary statistics of a list of durations, in milliseconds.</summary>
public sealed record Figures(int Count, double Median, double P95, double Max)
{
    public static Figures Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
            return new Figures(0, 0, 0, 0);
        var sorted = values.Order().ToArray();
        return new Figures(sorted.Length, Percentile(sorted, 0.5), Percentile(sorted, 0.95), sorted[^1]);
    }

    private static double Percentile(double[] sorted, double p) => sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(p * sorted.Length) - 1)];

    public override string ToString() => Count == 0 ? "none" : $"median {Median:0} ms, p95 {P95:0} ms, max {Max:0} ms (n={Count})";
}
