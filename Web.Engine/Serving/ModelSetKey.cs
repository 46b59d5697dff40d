using System.Security.Cryptography;
using System.Text;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// The name of a model set (base model, CLAP and adapters) in routing: jobs for a set go to its own work stream, which
/// only workers holding that set read. Sixteen hex digits of a SHA-256 over the three weight hashes: short enough for
/// Redis keys and pages, far from colliding among the few sets a lab runs.
/// </summary>
public static class ModelSetKey
{
    public const int Length = 16;

    public static string Of(string modelHash, string? clapHash, string? adaptersHash)
    {
        var text = $"{modelHash}\n{clapHash ?? "-"}\n{adaptersHash ?? "-"}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..Length];
    }

    /// <summary>Whether <paramref name="text"/> has a set key's form (a client may send any string).</summary>
    public static bool IsWellFormed(string? text) =>
        text is { Length: Length } && text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
