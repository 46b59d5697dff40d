using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Clap2Diffusion.Engine.Models.Inception;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Pickle;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation.Fid;

/// <summary>What <see cref="FidInceptionWeights.Convert"/> wrote.</summary>
public sealed record FidWeightsConversion(string Source, string Output, int Tensors, string Sha256, bool? NameHashMatches);

/// <summary>
/// pytorch-fid's weights, <c>pt_inception-2015-12-05-6726825d.pth</c>: read directly (the file is a legacy
/// torch pickle, read without executing anything) or from a safetensors conversion of it.
/// </summary>
public static partial class FidInceptionWeights
{
    public const string UpstreamFileName = "pt_inception-2015-12-05-6726825d.pth";

    /// <summary>Opens either format, deciding by content rather than by extension.</summary>
    public static Checkpoint Open(string path) =>
        LegacyTorchPickle.LooksLegacy(path) ? LegacyTorchPickle.Open(path) : Checkpoint.Open(path);

    /// <summary>The FID network with these weights, strictly loaded, in eval mode, on <paramref name="device"/>.</summary>
    public static Inception3 Load(string path, Device? device = null)
    {
        using var checkpoint = Open(path);
        var network = new Inception3();
        try
        {
            StrictLoader.Load(network, checkpoint);
            if (device is not null && device.type != DeviceType.CPU)
                network.to(device);
            network.eval();
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Converts the legacy <c>.pth</c> to safetensors after checking it against the network's keys and shapes.
    /// torch hub names files with the first hex digits of their SHA-256; <see cref="FidWeightsConversion.NameHashMatches"/>
    /// says whether this file's name and content agree (null when the name carries no hash).
    /// </summary>
    public static FidWeightsConversion Convert(string pthPath, string safetensorsPath)
    {
        var tensors = LegacyTorchPickle.ReadStateDict(pthPath);
        using var checkpoint = Checkpoint.FromTensors(pthPath, tensors);
        using (var meta = new Inception3(META))
        {
            var comparison = StrictLoader.Compare(StrictLoader.ExpectedShapes(meta), checkpoint);
            if (!comparison.IsExactMatch)
                throw new WeightsMismatchException(pthPath, comparison);
        }

        var sha256 = Sha256Hex(pthPath);
        var hashInName = HashSuffix().Match(Path.GetFileName(pthPath));
        bool? nameMatches = hashInName.Success ? sha256.StartsWith(hashInName.Groups[1].Value, StringComparison.OrdinalIgnoreCase) : null;
        var kept = tensors.Where(t => !DerivedBuffers.IsDerived(t.Name)).ToList();
        SafeTensorsWriter.Save(safetensorsPath, kept, new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["model"] = "pytorch-fid FID InceptionV3 (torchvision Inception3 keys)",
            ["source_file"] = Path.GetFileName(pthPath),
            ["source_sha256"] = sha256,
        });
        return new FidWeightsConversion(pthPath, safetensorsPath, kept.Count, sha256, nameMatches);
    }

    private static string Sha256Hex(string path)
    {
        using var stream = File.OpenRead(path);
        return System.Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    [GeneratedRegex(@"-([0-9a-fA-F]{8,64})\.[^.]+$")]
    private static partial Regex HashSuffix();
}
