using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>transformers' <c>ClapAudioModel</c>: the HTSAT encoder under the key prefix <c>audio_encoder</c>.</summary>
public sealed class ClapAudioModel : nn.Module<Tensor, ClapAudioModelOutput>
{
    public readonly ClapAudioEncoder audio_encoder;

    public ClapAudioModel(ClapAudioConfig config, Device? device = null) : base(nameof(ClapAudioModel))
    {
        audio_encoder = new ClapAudioEncoder(config, device);
        RegisterComponents();
    }

    public override ClapAudioModelOutput forward(Tensor input_features) => audio_encoder.forward(input_features);
}
