using System.Text.Json;
using Clap2Diffusion.Engine.Models.Classifiers;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Demo.Classifier;

/// <summary>
/// The demo classifier on disk in the transformers layout the other models use: <c>config.json</c> and
/// <c>model.safetensors</c> (<c>models/demo/classifier</c> in the repository).
/// </summary>
public static class SceneClassifierFolder
{
    /// <summary>Its folder inside a model trained on the demo world.</summary>
    public const string FolderName = "classifier";

    public const string DefaultPath = "models/demo/classifier";

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };

    public static void Save(SceneAttributeClassifier model, string folder)
    {
        Directory.CreateDirectory(folder);
        SafeTensorsWriter.Save(Path.Combine(folder, "model.safetensors"), model.state_dict());
        File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(model.Config, WriteOptions));
    }

    /// <summary>Loads strictly for inference and checks that the heads read the demo world's vocabulary.</summary>
    public static SceneAttributeClassifier Load(string folder, ComputeTarget? target = null)
    {
        var config = ConfigJson.Read<SceneAttributeClassifierConfig>(ModelFolder.ConfigPath(folder));
        Validate(config, folder);
        return PretrainedLoader.Load(folder, target, device => new SceneAttributeClassifier(config, device));
    }

    private static void Validate(SceneAttributeClassifierConfig config, string folder)
    {
        if (config.ImageSize is < 8 or > 1024 || config.Channels.Length == 0 || config.Channels.Any(c => c is < 1 or > 4096) || config.NormNumGroups < 1)
            throw new InputException($"{folder}/config.json does not describe a usable scene classifier " +
                $"(image_size {config.ImageSize}, channels [{string.Join(", ", config.Channels)}], norm_num_groups {config.NormNumGroups})");
        foreach (var (head, classes) in SceneLabels.DefaultConfig().Heads)
        {
            if (!config.Heads.TryGetValue(head, out var present))
                throw new InputException($"{folder}: the classifier has no '{head}' head, so it cannot read demo-world images");
            var lacking = classes.Except(present).ToList();
            if (lacking.Count > 0)
                throw new InputException($"{folder}: the classifier's '{head}' head lacks {string.Join(", ", lacking)}; it was not trained on this demo world");
        }
    }
}
