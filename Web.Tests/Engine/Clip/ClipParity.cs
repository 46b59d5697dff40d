using Xunit.Abstractions;
using Clap2Diffusion.Engine.Parity;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Clip;

/// <summary>Reads the transformers CLIP fixtures and checks outputs with the fixture README's tolerances.</summary>
internal static class ClipParity
{
    public const double Atol = 1e-4;
    public const double Rtol = 1e-4;
    public const double LogitAtol = 1e-3;

    public static string Folder(string name) => SharedData.PathOf("parity", "transformers", name);

    public static Dictionary<string, Tensor> Reference(string name)
    {
        using var file = SafeTensorsFile.Open(Path.Combine(Folder(name), "io.safetensors"));
        return file.Names.ToDictionary(tensorName => tensorName, tensorName => file.Load(tensorName));
    }

    public static TensorComparison Check(ITestOutputHelper output, string name, Tensor actual, Tensor expected, double atol = Atol)
    {
        var comparison = TensorAssert.Close(actual, expected, atol, Rtol, name);
        output.WriteLine(comparison.ToString());
        return comparison;
    }
}
