using Clap2Diffusion.Engine.Weights.Layouts;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>
/// transformers' <c>CLIPModel</c>: both towers, their bias-free projections into the shared space, and the
/// learned temperature <c>logit_scale</c>. Used for CLIP score.
/// </summary>
public sealed class CLIPModel : nn.Module
{
    public readonly CLIPTextTransformer text_model;
    public readonly CLIPVisionTransformer vision_model;
    public readonly Linear visual_projection;
    public readonly Linear text_projection;
    public readonly Parameter logit_scale;

    public CLIPModel(CLIPConfig config, Device? device = null) : base(nameof(CLIPModel))
    {
        config.Validate(nameof(CLIPConfig));
        Config = config;
        text_model = new CLIPTextTransformer(config.TextConfig, device);
        vision_model = new CLIPVisionTransformer(config.VisionConfig, device);
        visual_projection = nn.Linear(config.VisionConfig.HiddenSize, config.ProjectionDim, hasBias: false, device: device);
        text_projection = nn.Linear(config.TextConfig.HiddenSize, config.ProjectionDim, hasBias: false, device: device);
        logit_scale = new Parameter(tensor(config.LogitScaleInitValue, dtype: ScalarType.Float32, device: device));
        RegisterComponents();
    }

    public CLIPConfig Config { get; }

    /// <summary>Loads a transformers <c>CLIPModel</c> folder strictly, for inference.</summary>
    public static CLIPModel FromPretrained(string folder, ComputeTarget? target = null)
    {
        var config = CLIPConfig.Read(ModelFolder.ConfigPath(folder));
        return PretrainedLoader.Load(folder, target, device => new CLIPModel(config, device), WeightFiles.Transformers);
    }

    /// <summary>The text tower's pooled output projected into the shared space, not normalised: [batch, projection_dim].</summary>
    public Tensor get_text_features(Tensor input_ids, Tensor? attention_mask = null)
    {
        using var scope = NewDisposeScope();
        return text_projection.forward(text_model.forward(input_ids, attention_mask).PoolerOutput).MoveToOuterDisposeScope();
    }

    /// <summary>The vision tower's pooled output projected into the shared space, not normalised: [batch, projection_dim].</summary>
    public Tensor get_image_features(Tensor pixel_values)
    {
        using var scope = NewDisposeScope();
        return visual_projection.forward(vision_model.forward(pixel_values).PoolerOutput).MoveToOuterDisposeScope();
    }

    public CLIPOutput forward(Tensor input_ids, Tensor pixel_values, Tensor? attention_mask = null)
    {
        using var scope = NewDisposeScope();
        var textEmbeds = get_text_features(input_ids, attention_mask);
        var imageEmbeds = get_image_features(pixel_values);
        var logitsPerText = matmul(Normalize(textEmbeds), Normalize(imageEmbeds).t()) * logit_scale.exp();
        var logitsPerImage = logitsPerText.t();
        return new CLIPOutput(logitsPerImage.MoveToOuterDisposeScope(), logitsPerText.MoveToOuterDisposeScope(),
            textEmbeds.MoveToOuterDisposeScope(), imageEmbeds.MoveToOuterDisposeScope());
    }

    private static Tensor Normalize(Tensor embeds) => embeds / embeds.norm(-1, keepdim: true);
}
