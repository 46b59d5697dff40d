using Clap2Diffusion.Tests.Engine.Weights.Pickle;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Fid;

/// <summary>
/// The whole FID network's fidfix-v1 weights written once per test class as a legacy torch pickle, the format
/// of pytorch-fid's real <c>.pth</c> (with the BatchNorm counters torch 1.x adds).
/// </summary>
public sealed class GeneratedFidWeights : IDisposable
{
    private readonly TempFolder folder = new("fid-weights");

    public GeneratedFidWeights()
    {
        PthPath = folder.File("pt_inception-generated-fidfix.pth");
        var tensors = FidFix.Generate();
        var counters = FidFix.Keys.Where(k => k.Key.EndsWith(".bn.running_var", StringComparison.Ordinal))
            .Select(k => (k.Key.Replace(".running_var", ".num_batches_tracked", StringComparison.Ordinal), tensor(0L)))
            .ToList();
        try
        {
            LegacyTorchFile.Write(PthPath, tensors.Concat(counters));
        }
        finally
        {
            foreach (var (_, t) in tensors.Concat(counters))
                t.Dispose();
        }
    }

    public string PthPath { get; }

    public string File(string name) => folder.File(name);

    public void Dispose() => folder.Dispose();
}
