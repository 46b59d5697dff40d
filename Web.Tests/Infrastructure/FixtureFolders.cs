using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Infrastructure;

/// <summary>Copies of the diffusers parity model folders, optionally with edited weights, for loading tests.</summary>
public static class FixtureFolders
{
    public const string Weights = "diffusion_pytorch_model.safetensors";

    public static string Source(string fixture) => SharedData.PathOf("parity", "diffusers", fixture);

    /// <summary>
    /// Copies <c>config.json</c> and the weights of a fixture into <paramref name="destination"/>, writing the weights
    /// as <paramref name="weightsName"/> after passing them through <paramref name="edit"/>.
    /// </summary>
    public static string Copy(string fixture, string destination,
        Func<List<(string Name, Tensor Tensor)>, List<(string Name, Tensor Tensor)>>? edit = null,
        string weightsName = Weights, string sourceWeights = Weights)
    {
        Directory.CreateDirectory(destination);
        File.Copy(Path.Combine(Source(fixture), "config.json"), Path.Combine(destination, "config.json"), overwrite: true);
        using var scope = NewDisposeScope();
        var tensors = ReadAll(Path.Combine(Source(fixture), sourceWeights));
        SafeTensorsWriter.Save(Path.Combine(destination, weightsName), edit is null ? tensors : edit(tensors));
        return destination;
    }

    public static List<(string Name, Tensor Tensor)> ReadAll(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        return file.Names.Select(name => (name, file.Load(name))).ToList();
    }
}
