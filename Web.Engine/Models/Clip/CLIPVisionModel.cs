using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>
/// transformers' <c>CLIPVisionModel</c>: the vision tower alone, wrapped once more as <c>vision_model</c>, which is
/// why a checkpoint that embeds it (diffusers' safety checker) spells its keys <c>vision_model.vision_model.*</c>.
/// </summary>
public sealed class CLIPVisionModel : nn.Module
{
    public readonly CLIPVisionTransformer vision_model;

    public CLIPVisionModel(CLIPVisionConfig config, Device? device = null) : base(nameof(CLIPVisionModel))
    {
        config.Validate(nameof(CLIPVisionConfig));
        vision_model = new CLIPVisionTransformer(config, device);
        RegisterComponents();
    }

    public BaseModelOutputWithPooling forward(Tensor pixel_values) => vision_model.forward(pixel_values);
}
