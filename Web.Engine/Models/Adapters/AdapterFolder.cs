using System.Text.Json;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>What an adapter set records about itself in its safetensors metadata.</summary>
/// <param name="TrainingStage">The recipe stage (1 or 2) that wrote the set; null for sets from before it was recorded.</param>
public sealed record AdapterMetadata(string BaseModelHash, string? BaseModel = null, string? ClapModelHash = null,
    string? Domain = null, long? TrainingStep = null, string? Description = null, int? TrainingStage = null);

/// <summary>
/// An adapter set on disk: <c>config.json</c> (the <see cref="V4AdapterConfig"/>) and
/// <c>diffusion_pytorch_model.safetensors</c> with every adapter weight, gate and hierarchy weight, its metadata
/// naming the base model's hash. Sets for different domains are folders, switched between jobs.
/// </summary>
public static class AdapterFolder
{
    public const string WeightsFile = "diffusion_pytorch_model.safetensors";
    public const string ConfigFile = "config.json";
    public const string Format = "clap2diffusion-v4-adapters";

    public static bool IsAdapterFolder(string folder)
    {
        var weights = Path.Combine(folder, WeightsFile);
        if (!File.Exists(weights) || !File.Exists(Path.Combine(folder, ConfigFile)))
            return false;
        using var file = SafeTensorsFile.Open(weights);
        return file.Metadata.TryGetValue("format", out var format) && format == Format;
    }

    public static void Save(AudioAdapters adapters, string folder, AdapterMetadata metadata)
    {
        Directory.CreateDirectory(folder);
        var config = JsonSerializer.Serialize(adapters.Config, new JsonSerializerOptions { WriteIndented = true });
        var entries = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["base_model_hash"] = metadata.BaseModelHash,
            ["config"] = config,
        };
        if (metadata.BaseModel is not null) entries["base_model"] = metadata.BaseModel;
        if (metadata.ClapModelHash is not null) entries["clap_model_hash"] = metadata.ClapModelHash;
        if (metadata.Domain is not null) entries["domain"] = metadata.Domain;
        if (metadata.TrainingStep is { } step) entries["training_step"] = step.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (metadata.Description is not null) entries["description"] = metadata.Description;
        if (metadata.TrainingStage is { } stage) entries["training_stage"] = stage.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using (no_grad())
        using (NewDisposeScope())
            SafeTensorsWriter.Save(Path.Combine(folder, WeightsFile),
                adapters.state_dict().Select(kv => (kv.Key, kv.Value.detach().to(ScalarType.Float32).cpu())), entries);
        SaveLora(adapters, folder);
        var temporary = Path.Combine(folder, $".{ConfigFile}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temporary, config);
        File.Move(temporary, Path.Combine(folder, ConfigFile), overwrite: true);
    }

    /// <summary>
    /// The adapters' LoRA again, alone, in PEFT's layout (<see cref="LoraFile.DiffusersFileName"/>), so diffusers'
    /// <c>load_lora_weights</c> and <c>generate --lora</c> can use it without the adapters. The adapter weights file
    /// holds the same tensors under the same keys, which is what loading the folder reads.
    /// </summary>
    private static void SaveLora(AudioAdapters adapters, string folder)
    {
        var path = Path.Combine(folder, LoraFile.DiffusersFileName);
        if (adapters.LoraLayers.Count == 0)
        {
            File.Delete(path);
            return;
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor Export(nn.Module<Tensor, Tensor> linear) => linear.parameters().Single().detach().to(ScalarType.Float32).cpu();
        var layers = adapters.LoraLayers.Select(kv => (kv.Key, Export(kv.Value.lora_A), Export(kv.Value.lora_B))).ToList();
        var first = adapters.LoraLayers.Values.First();
        LoraFile.SavePeft(path, "unet", layers, first.Rank, first.Alpha, AudioAdapters.LoraTargets);
    }

    /// <summary>
    /// Records new base and CLAP hashes in a set's metadata, tensors untouched. For when the same weights are
    /// stored anew (the demo export's float16 copy): the hash names the file, so a re-encoded base gets a new one.
    /// </summary>
    public static void Rebind(string folder, string baseModelHash, string? clapModelHash)
    {
        var weights = Path.Combine(folder, WeightsFile);
        var temporary = Path.Combine(folder, $".{WeightsFile}.{Guid.NewGuid():N}.tmp");
        using (var source = SafeTensorsFile.Open(weights))
        {
            MetadataOf(source, folder);
            var entries = new Dictionary<string, string>(source.Metadata) { ["base_model_hash"] = baseModelHash };
            if (clapModelHash is not null)
                entries["clap_model_hash"] = clapModelHash;
            using var scope = NewDisposeScope();
            SafeTensorsWriter.Save(temporary, source.Names.Select(name => (name, source.Load(name))).ToList(), entries);
        }
        File.Move(temporary, weights, overwrite: true);
    }

    public static AdapterMetadata ReadMetadata(string folder)
    {
        using var file = SafeTensorsFile.Open(Path.Combine(folder, WeightsFile));
        return MetadataOf(file, folder);
    }

    /// <summary>
    /// Builds the adapters for <paramref name="unet"/> and loads the folder strictly. When
    /// <paramref name="baseModelHash"/> is given and differs from the one the set was trained on, the load is
    /// refused: adapters trained on another base model would steer it blindly.
    /// </summary>
    public static (AudioAdapters Adapters, AdapterMetadata Metadata) Load(string folder, UNet2DConditionModel unet,
        ComputeTarget target, string? baseModelHash = null)
    {
        if (!Directory.Exists(folder))
            throw new InputException($"adapter folder not found: {folder}");
        var config = ConfigJson.Read<V4AdapterConfig>(Path.Combine(folder, ConfigFile));
        config.Validate(Path.Combine(folder, ConfigFile));
        using var checkpoint = Checkpoint.Open(Path.Combine(folder, WeightsFile));
        var metadata = MetadataOf(checkpoint.Files[0], folder);
        if (baseModelHash is not null && !string.Equals(metadata.BaseModelHash, baseModelHash, StringComparison.OrdinalIgnoreCase))
            throw new InputException($"the adapters in {folder} were trained on base model {ModelHash.Short(metadata.BaseModelHash)}, " +
                $"but the loaded base model is {ModelHash.Short(baseModelHash)}; train adapters for this model or load its own");

        var adapters = new AudioAdapters(config, unet.TransformerBlockSites);
        try
        {
            StrictLoader.Load(adapters, checkpoint);
            if (target.Device.type != TorchSharp.DeviceType.CPU || target.DType != ScalarType.Float32)
                adapters.to(target.Device, target.DType);
            adapters.eval();
            return (adapters, metadata);
        }
        catch
        {
            adapters.Dispose();
            throw;
        }
    }

    private static AdapterMetadata MetadataOf(SafeTensorsFile file, string folder)
    {
        if (!file.Metadata.TryGetValue("format", out var format) || format != Format)
            throw new InputException($"{folder} is not a CLAP2Diffusion V4 adapter folder (its weights lack format={Format})");
        string? Get(string key) => file.Metadata.GetValueOrDefault(key);
        return new AdapterMetadata(Get("base_model_hash") ?? "", Get("base_model"), Get("clap_model_hash"), Get("domain"),
            long.TryParse(Get("training_step"), out var step) ? step : null, Get("description"),
            int.TryParse(Get("training_stage"), System.Globalization.CultureInfo.InvariantCulture, out var stage) ? stage : null);
    }
}
