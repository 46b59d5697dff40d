using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// transformers' <c>ClapModel</c> (e.g. <c>laion/clap-htsat-unfused</c>): a RoBERTa text tower and an HTSAT audio
/// tower, each with a projection into a shared space where cosine similarity says how well a caption fits a sound.
/// </summary>
public sealed class ClapModel : nn.Module
{
    public readonly Parameter logit_scale_a;
    public readonly Parameter logit_scale_t;
    public readonly ClapTextModel text_model;
    public readonly ClapProjectionLayer text_projection;
    public readonly ClapAudioModel audio_model;
    public readonly ClapProjectionLayer audio_projection;

    public ClapModel(ClapConfig config, Device? device = null) : base(nameof(ClapModel))
    {
        config.Validate(nameof(ClapConfig));
        Config = config;
        var (text, audio) = (config.TextConfig, config.AudioConfig);
        using var initialLogitScale = Math.Log(config.LogitScaleInitValue).ToScalar();
        logit_scale_a = new Parameter(full(Array.Empty<long>(), initialLogitScale, device: device));
        logit_scale_t = new Parameter(full(Array.Empty<long>(), initialLogitScale, device: device));
        text_model = new ClapTextModel(text, device);
        text_projection = new ClapProjectionLayer(text.HiddenSize, text.ProjectionDim, text.ProjectionHiddenAct, device);
        audio_model = new ClapAudioModel(audio, device);
        audio_projection = new ClapProjectionLayer(audio.HiddenSize, audio.ProjectionDim, audio.ProjectionHiddenAct, device);
        RegisterComponents();
    }

    public ClapConfig Config { get; }

    /// <summary>Unit-length audio embeddings (B, projection_dim) of (B, 1, frames ≤ 1024, 64) log-mel features.</summary>
    public Tensor GetAudioFeatures(Tensor inputFeatures)
    {
        using var embeds = GetAudioEmbeds(inputFeatures);
        return nn.functional.normalize(embeds, dim: -1);
    }

    /// <summary>
    /// <see cref="GetAudioFeatures"/> and, from the same encoder pass, the frame features before pooling
    /// (B, hidden_size, T) (<see cref="ClapAudioEncoder.FramesOverTime"/>).
    /// </summary>
    public (Tensor Features, Tensor Frames) GetAudioFeaturesAndFrames(Tensor inputFeatures)
    {
        using var scope = NewDisposeScope();
        using var encoded = audio_model.forward(ClapPretrained.ToModel(inputFeatures, audio_projection.linear1.weight!));
        var features = nn.functional.normalize(audio_projection.forward(encoded.PoolerOutput), dim: -1);
        var frames = ClapAudioEncoder.FramesOverTime(encoded.LastHiddenState);
        return (features.MoveToOuterDisposeScope(), frames.MoveToOuterDisposeScope());
    }

    /// <summary>Unit-length text embeddings (B, projection_dim) of RoBERTa token ids (B, L) and their attention mask.</summary>
    public Tensor GetTextFeatures(Tensor inputIds, Tensor? attentionMask = null)
    {
        using var embeds = GetTextEmbeds(inputIds, attentionMask);
        return nn.functional.normalize(embeds, dim: -1);
    }

    /// <summary>transformers' <c>ClapModel.forward</c>: both towers, normalised embeddings and both logit matrices.</summary>
    public ClapOutput forward(Tensor inputIds, Tensor inputFeatures, Tensor? attentionMask = null)
    {
        using var scope = NewDisposeScope();
        var text = GetTextFeatures(inputIds, attentionMask);
        var audio = GetAudioFeatures(inputFeatures);
        var (perText, perAudio) = Logits(text, audio);
        return new ClapOutput(perAudio.MoveToOuterDisposeScope(), perText.MoveToOuterDisposeScope(),
            text.MoveToOuterDisposeScope(), audio.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The logit matrices for unit-length features computed earlier (cached features, for one):
    /// <c>exp(logit_scale_t)·t·aᵀ</c> (T, A) and <c>exp(logit_scale_a)·a·tᵀ</c> (A, T).
    /// </summary>
    public (Tensor LogitsPerText, Tensor LogitsPerAudio) Logits(Tensor textFeatures, Tensor audioFeatures)
    {
        using var scope = NewDisposeScope();
        var similarity = textFeatures.matmul(audioFeatures.t());
        var perText = similarity * logit_scale_t.exp();
        var perAudio = similarity.t() * logit_scale_a.exp();
        return (perText.MoveToOuterDisposeScope(), perAudio.MoveToOuterDisposeScope());
    }

    private Tensor GetAudioEmbeds(Tensor inputFeatures)
    {
        using var scope = NewDisposeScope();
        using var encoded = audio_model.forward(ClapPretrained.ToModel(inputFeatures, audio_projection.linear1.weight!));
        return audio_projection.forward(encoded.PoolerOutput).MoveToOuterDisposeScope();
    }

    private Tensor GetTextEmbeds(Tensor inputIds, Tensor? attentionMask)
    {
        using var encoded = text_model.forward(inputIds, attentionMask);
        return text_projection.forward(encoded.PoolerOutput);
    }

    /// <summary>
    /// Loads a transformers CLAP folder unchanged (<c>config.json</c> + <c>model.safetensors</c> or sharded
    /// safetensors), strictly: any missing, unexpected or mis-shaped key is an error naming it. Derived buffers
    /// (<c>position_ids</c>, <c>token_type_ids</c>, <c>relative_position_index</c>, <c>num_batches_tracked</c>) may be
    /// present or not. The model comes back frozen, in eval mode, on <paramref name="target"/> (CPU float32 by default).
    /// </summary>
    public static ClapModel FromPretrained(string folder, ComputeTarget? target = null)
    {
        var config = ClapConfig.Read(ModelFolder.ConfigPath(folder));
        return ClapPretrained.Load(folder, target, device => new ClapModel(config, device));
    }
}
