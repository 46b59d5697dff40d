using Clap2Diffusion.Engine.Weights.Layouts;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clip;

/// <summary>
/// transformers' <c>CLIPTextModel</c> (keys <c>text_model.*</c>): Stable Diffusion 1.5's <c>text_encoder</c>,
/// whose <c>last_hidden_state</c> [batch, 77, 768] conditions the UNet.
/// </summary>
public sealed class CLIPTextModel : nn.Module
{
    public readonly CLIPTextTransformer text_model;

    public CLIPTextModel(CLIPTextConfig config, Device? device = null) : base(nameof(CLIPTextModel))
    {
        config.Validate(nameof(CLIPTextConfig));
        Config = config;
        text_model = new CLIPTextTransformer(config, device);
        RegisterComponents();
    }

    public CLIPTextConfig Config { get; }

    /// <summary>
    /// Loads a transformers folder (<c>config.json</c> + <c>model.safetensors</c>, e.g. Stable Diffusion's
    /// <c>text_encoder/</c>) strictly, for inference: eval mode, no gradients.
    /// </summary>
    public static CLIPTextModel FromPretrained(string folder, ComputeTarget? target = null)
    {
        var config = CLIPConfig.ReadText(ModelFolder.ConfigPath(folder));
        return PretrainedLoader.Load(folder, target, device => new CLIPTextModel(config, device), WeightFiles.Transformers);
    }

    public BaseModelOutputWithPooling forward(Tensor input_ids, Tensor? attention_mask = null, bool output_hidden_states = false) =>
        text_model.forward(input_ids, attention_mask, output_hidden_states);

    /// <summary>
    /// Stable Diffusion's prompt embeddings: <c>last_hidden_state</c>, or with <paramref name="clip_skip"/> k &gt; 0 the
    /// hidden state k layers before the last, passed through <c>final_layer_norm</c> (diffusers' <c>clip_skip</c>).
    /// </summary>
    public Tensor PromptEmbeddings(Tensor input_ids, int clip_skip = 0, Tensor? attention_mask = null)
    {
        if (clip_skip < 0 || clip_skip > Config.NumHiddenLayers)
            throw new InputException($"clip_skip must be between 0 and {Config.NumHiddenLayers}, not {clip_skip}");
        using var scope = NewDisposeScope();
        var output = forward(input_ids, attention_mask, output_hidden_states: clip_skip > 0);
        var embeddings = clip_skip == 0
            ? output.LastHiddenState
            : text_model.final_layer_norm.forward(output.HiddenStates![^(clip_skip + 1)]);
        return embeddings.MoveToOuterDisposeScope();
    }
}
