using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Models.Clap;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Models.Safety;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Weights.Layouts;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights.Checks;

/// <summary>The model classes <c>check-weights</c> can check, by the class name their config gives. One line each.</summary>
public static class WeightCheckers
{
    public static IReadOnlyList<WeightChecker> All { get; } =
    [
        new("UNet2DConditionModel", WeightFiles.Diffusers, folder => new UNet2DConditionModel(UNet2DConditionModelConfig.Read(folder), META)),
        new("AutoencoderKL", WeightFiles.Diffusers, folder => new AutoencoderKL(AutoencoderKLConfig.Read(folder), META)) { Translation = AutoencoderKL.LegacyAttentionNames },
        new("CLIPTextModel", WeightFiles.Transformers, folder => new CLIPTextModel(CLIPConfig.ReadText(ModelFolder.ConfigPath(folder)), META)),
        new("CLIPModel", WeightFiles.Transformers, folder => new CLIPModel(CLIPConfig.Read(ModelFolder.ConfigPath(folder)), META)),
        new("StableDiffusionSafetyChecker", WeightFiles.Transformers, folder => new StableDiffusionSafetyChecker(CLIPConfig.Read(ModelFolder.ConfigPath(folder)), META)),
        new("ClapModel", WeightFiles.Transformers, folder => new ClapModel(ClapConfig.Read(ModelFolder.ConfigPath(folder)), META)),
        new("ClapAudioModelWithProjection", WeightFiles.Transformers, folder => new ClapAudioModelWithProjection(ClapConfig.ReadAudio(ModelFolder.ConfigPath(folder)), META)),
    ];

    /// <summary>The transformers model_type each class's config carries, for configs that name no architecture.</summary>
    private static readonly Dictionary<string, string> ModelTypes = new(StringComparer.Ordinal)
    {
        ["clip_text_model"] = "CLIPTextModel",
        ["clip"] = "CLIPModel",
        ["clap"] = "ClapModel",
        ["clap_audio_model"] = "ClapAudioModelWithProjection",
    };

    public static WeightChecker? ForModelType(string? modelType) =>
        modelType is not null && ModelTypes.TryGetValue(modelType, out var className) ? Find(className) : null;

    public static WeightChecker? Find(string? className) =>
        className is null ? null : All.FirstOrDefault(c => c.ClassName == className);

    public static string Known => string.Join(", ", All.Select(c => c.ClassName));
}
