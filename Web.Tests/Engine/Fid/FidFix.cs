using System.Globalization;
using Clap2Diffusion.Engine.Parity;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Fid;

/// <summary>
/// The fixtures' weight generator "fidfix-v1" (<see cref="FidFixWeights"/>, in the engine for the parity verb) over the
/// keys and shapes of the shared key list, which the generator check and the fixtures follow.
/// </summary>
internal static class FidFix
{
    public static string FixturePath(string file) => SharedData.PathOf("parity", "fid", file);

    /// <summary>Keys and shapes of the FID network, in the TSV's (PyTorch's) order.</summary>
    public static IReadOnlyList<(string Key, long[] Shape)> Keys { get; } = ReadKeys();

    public static float[] Values(string key, long[] shape) => FidFixWeights.Values(key, shape);

    /// <summary>Generated tensors for every key starting with <paramref name="prefix"/> ("" for the whole network).</summary>
    public static List<(string Name, Tensor Tensor)> Generate(string prefix = "") =>
        Keys.Where(k => k.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(k => (k.Key, FidFixWeights.Generate(k.Key, k.Shape))).ToList();

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
