namespace Clap2Diffusion.Engine.Runtime;

/// <summary>
/// A small seeded generator (splitmix64) for training, evaluation and the demo world. Written out rather than System.Random so that the
/// same seed gives the same draws on every .NET version and platform.
/// </summary>
public sealed class SeededRandom(ulong seed)
{
    private ulong state = seed;

    public SeededRandom Fork(ulong salt) => new(Mix(state ^ Mix(salt + 0x9E3779B97F4A7C15UL)));

    public ulong NextULong()
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    public int Next(int exclusiveMax) => (int)(NextDouble() * exclusiveMax);

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Standard normal by Box-Muller.</summary>
    public double Gaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
