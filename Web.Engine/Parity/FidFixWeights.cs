using System.Text;
using Clap2Diffusion.Engine.Models.Inception;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Parity;

/// <summary>
/// The FID fixtures' weight generator "fidfix-v1" (shared/parity/fid/README.md). The real FID network does not fit
/// a fixture budget, so its fixtures use weights defined by the key alone: element i of key K is a counter-based
/// SplitMix64 draw seeded by FNV-1a-64(K), scaled by a rule chosen by the key's suffix, rounded once to float32.
/// </summary>
public static class FidFixWeights
{
    public const string GeneratorName = "fidfix-v1";

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
        var rule = RuleFor(key, shape);
        var values = new float[count];
        for (long i = 0; i < count; i++)
            values[i] = rule(Unit(seed, i));
        return values;
    }

    public static Tensor Generate(string key, long[] shape) => tensor(Values(key, shape), shape, ScalarType.Float32);

    /// <summary>The FID network's keys and shapes (no derived BatchNorm counters), in module order.</summary>
    public static IReadOnlyList<(string Key, long[] Shape)> InceptionKeys()
    {
        using var meta = new Inception3(META);
        return StrictLoader.ExpectedShapes(meta).Where(kv => !DerivedBuffers.IsDerived(kv.Key)).Select(kv => (kv.Key, kv.Value)).ToList();
    }

    /// <summary>Generated weights of every FID-network key starting with <paramref name="prefix"/> ("" for all 472).</summary>
    public static List<(string Name, Tensor Tensor)> Generate(string prefix = "") =>
        InceptionKeys().Where(k => k.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(k => (k.Key, Generate(k.Key, k.Shape))).ToList();

    private static Func<double, float> RuleFor(string key, long[] shape) => key switch
    {
        _ when key.EndsWith(".conv.weight", StringComparison.Ordinal) && shape.Length == 4 =>
            Scaled((float)Math.Sqrt(6.0 / (shape[1] * shape[2] * shape[3]))),
        _ when key.EndsWith(".bn.weight", StringComparison.Ordinal) => m => (float)(1.0 + m / 4.0),
        _ when key.EndsWith(".bn.bias", StringComparison.Ordinal) || key.EndsWith(".bn.running_mean", StringComparison.Ordinal) =>
            m => (float)(m / 8.0),
        _ when key.EndsWith(".bn.running_var", StringComparison.Ordinal) => m => (float)(1.0 + m / 2.0),
        "fc.weight" => Scaled((float)Math.Sqrt(1.0 / 2048)),
        "fc.bias" => m => (float)(m / 8.0),
        _ => throw new InputException($"{GeneratorName} has no rule for the key '{key}'"),
    };

    // The scale is rounded to float32 first, as the reference generator does, then applied in double.
    private static Func<double, float> Scaled(float scale) => m => (float)(m * (double)scale);
}
