using System.Text.Json;
using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>
/// A model folder as transformers and diffusers save it: <c>config.json</c> beside the weights, either one
/// <c>{name}.safetensors</c>, shards listed by <c>{name}.safetensors.index.json</c>, or the half-precision
/// <c>{name}.fp16.safetensors</c> variant. transformers names the weights <c>model</c>, diffusers
/// <c>diffusion_pytorch_model</c>.
/// </summary>
public static class PretrainedFolder
{
    public static readonly IReadOnlyList<string> WeightNames = ["model", "diffusion_pytorch_model"];

    public static string ConfigPath(string folder)
    {
        if (!Directory.Exists(folder))
            throw new InputException($"model folder not found: {folder}");
        var path = Path.Combine(folder, "config.json");
        return File.Exists(path) ? path : throw new InputException($"{folder} has no config.json");
    }

    /// <summary>The safetensors files holding the folder's weights.</summary>
    public static IReadOnlyList<string> WeightFiles(string folder)
    {
        foreach (var name in WeightNames)
        {
            var single = Path.Combine(folder, name + ".safetensors");
            if (File.Exists(single))
                return [single];
            var index = Path.Combine(folder, name + ".safetensors.index.json");
            if (File.Exists(index))
                return ShardsOf(folder, index);
            var half = Path.Combine(folder, name + ".fp16.safetensors");
            if (File.Exists(half))
                return [half];
        }
        var pickles = Directory.EnumerateFiles(folder, "*.bin").Select(Path.GetFileName).ToList();
        throw new InputException(pickles.Count > 0
            ? $"{folder} holds only PyTorch pickles ({string.Join(", ", pickles)}); convert them to safetensors first"
            : $"{folder} has no model.safetensors (nor shards, nor an fp16 variant)");
    }

    /// <summary>
    /// Builds a module on the target's device, loads the folder's weights strictly, casts it to the target's
    /// dtype and prepares it for inference (eval mode, no gradients).
    /// </summary>
    public static T Load<T>(string folder, ComputeTarget? target, Func<Device, T> create) where T : nn.Module
    {
        target ??= ComputeTarget.Cpu;
        var module = create(target.Device);
        try
        {
            using (var checkpoint = Checkpoint.Open(WeightFiles(folder)))
                StrictLoader.Load(module, checkpoint);
            if (target.DType != ScalarType.Float32)
                module.to(target.DType);
            module.eval();
            foreach (var parameter in module.parameters())
                parameter.requires_grad = false;
            return module;
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    private static IReadOnlyList<string> ShardsOf(string folder, string indexPath)
    {
        using var document = ConfigJson.ParseDocument(File.ReadAllText(indexPath), indexPath);
        if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new InputException($"{indexPath}: no weight_map object");
        var root = Path.GetFullPath(folder);
        var files = new List<string>();
        foreach (var entry in map.EnumerateObject())
        {
            var name = entry.Value.GetString() ?? "";
            var path = Path.GetFullPath(Path.Combine(root, name));
            if (Path.GetDirectoryName(path) != root)
                throw new InputException($"{indexPath}: shard '{name}' lies outside the model folder");
            if (!files.Contains(path))
                files.Add(path);
        }
        return files.Count > 0 ? files : throw new InputException($"{indexPath}: the weight_map is empty");
    }
}
