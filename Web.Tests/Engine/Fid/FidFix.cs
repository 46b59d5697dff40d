using System.Globalization;
using System.Text;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Fid;

/// <summary>
/// The fixtures' weight generator "fidfix-v1" (shared/parity/fid/README.md): every value of a key is a
/// counter-based SplitMix64 draw seeded by the FNV-1a hash of the key, scaled by a rule chosen by the key's
/// suffix and rounded once to float32.
/// </summary>
internal static class FidFix
{
    public static string FixturePath(string file) => SharedData.PathOf("parity", "fid", file);

    /// <summary>Keys and shapes of the FID network, in the TSV's (PyTorch's) order.</summary>
    public static IReadOnlyList<(string Key, long[] Shape)> Keys { get; } = ReadKeys();

    public static ulong Fnv1a64(string text)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 0x100000001B3UL;
        }
        return hash;
    }

    /// <summary>Element <paramref name="index"/>'s draw m, an exact double in [-1, 1).</summary>
    public static double Unit(ulong seed, long index)
    {
        var z = seed + (ulong)(index + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return ((long)(z >> 40) - (1L << 23)) / (double)(1L << 23);
    }

    public static float[] Values(string key, long[] shape)
    {
        var count = shape.Aggregate(1L, (product, dim) => product * dim);
        var seed = Fnv1a64(key);
        Func<double, float> rule = key switch
        {
            _ when key.EndsWith(".conv.weight", StringComparison.Ordinal) =>
                Scaled((float)Math.Sqrt(6.0 / (shape[1] * shape[2] * shape[3]))),
            _ when key.EndsWith(".bn.weight", StringComparison.Ordinal) => m => (float)(1.0 + m / 4.0),
            _ when key.EndsWith(".bn.bias", StringComparison.Ordinal) || key.EndsWith(".bn.running_mean", StringComparison.Ordinal) =>
                m => (float)(m / 8.0),
            _ when key.EndsWith(".bn.running_var", StringComparison.Ordinal) => m => (float)(1.0 + m / 2.0),
            "fc.weight" => Scaled((float)Math.Sqrt(1.0 / 2048)),
            "fc.bias" => m => (float)(m / 8.0),
            _ => throw new ArgumentException($"fidfix-v1 has no rule for '{key}'", nameof(key)),
        };
        var values = new float[count];
        for (long i = 0; i < count; i++)
            values[i] = rule(Unit(seed, i));
        return values;
    }

    public static Tensor Generate(string key, long[] shape) => tensor(Values(key, shape), shape, ScalarType.Float32);

    /// <summary>Generated tensors for every key starting with <paramref name="prefix"/> ("" for the whole network).</summary>
    public static List<(string Name, Tensor Tensor)> Generate(string prefix = "") =>
        Keys.Where(k => k.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(k => (k.Key, Generate(k.Key, k.Shape))).ToList();

    private static Func<double, float> Scaled(float scale) => m => (float)(m * (double)scale);

    private static List<(string, long[])> ReadKeys()
    {
        var keys = new List<(string, long[])>();
        foreach (var line in File.ReadLines(SharedData.PathOf("specs", "weights-keys", "fid-inception.tsv")))
        {
            if (line.StartsWith('#') || line.Length == 0)
                continue;
            var parts = line.Split('\t');
            var shape = parts[1].Trim('[', ']').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(dim => long.Parse(dim, CultureInfo.InvariantCulture)).ToArray();
            keys.Add((parts[0], shape));
        }
        return keys;
    }
}
