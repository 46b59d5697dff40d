using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// transformers' <c>ClapAudioModelWithProjection</c>: the HTSAT encoder and the audio projection, the half of CLAP
/// that turns sound into the shared space. Same keys as in a full <c>ClapModel</c> (<c>audio_model.audio_encoder.*</c>,
/// <c>audio_projection.*</c>), so it loads from either kind of folder.
/// </summary>
public sealed class ClapAudioModelWithProjection : nn.Module<Tensor, ClapAudioEmbeddingOutput>
{
    public readonly ClapAudioModel audio_model;
    public readonly ClapProjectionLayer audio_projection;

    public ClapAudioModelWithProjection(ClapAudioConfig config, Device? device = null) : base(nameof(ClapAudioModelWithProjection))
    {
        config.Validate(nameof(ClapAudioConfig));
        Config = config;
        audio_model = new ClapAudioModel(config, device);
        audio_projection = new ClapProjectionLayer(config.HiddenSize, config.ProjectionDim, config.ProjectionHiddenAct, device);
        RegisterComponents();
    }

    public ClapAudioConfig Config { get; }

    /// <param name="input_features">(B, 1, frames ≤ 1024, 64) log-mel features; moved to the model's device and dtype.</param>
    public override ClapAudioEmbeddingOutput forward(Tensor input_features)
    {
        using var scope = NewDisposeScope();
        var encoded = audio_model.forward(ClapPretrained.ToModel(input_features, audio_projection.linear1.weight!));
        var embeds = audio_projection.forward(encoded.PoolerOutput);
        return new ClapAudioEmbeddingOutput(embeds.MoveToOuterDisposeScope(), encoded.LastHiddenState.MoveToOuterDisposeScope(),
            encoded.PoolerOutput.MoveToOuterDisposeScope());
    }

    /// <summary><c>audio_embeds</c>: the projected pooled output, not normalised (B, projection_dim).</summary>
    public Tensor GetAudioEmbeds(Tensor inputFeatures)
    {
        using var output = forward(inputFeatures);
        return output.AudioEmbeds.alias();
    }

    /// <summary>The unit-length audio embedding, identical to <see cref="ClapModel.GetAudioFeatures"/> (B, projection_dim).</summary>
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
        using var output = forward(inputFeatures);
        var features = nn.functional.normalize(output.AudioEmbeds, dim: -1);
        var frames = ClapAudioEncoder.FramesOverTime(output.LastHiddenState);
        return (features.MoveToOuterDisposeScope(), frames.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Loads a transformers folder: a <c>ClapAudioModelWithProjection</c> save (config model_type
    /// <c>clap_audio_model</c>) or a full <c>ClapModel</c> one, whose text half is then left on disk.
    /// Strict: every audio key must be present with its shape. The model comes back frozen, in eval mode.
    /// </summary>
    public static ClapAudioModelWithProjection FromPretrained(string folder, ComputeTarget? target = null)
    {
        var configPath = ModelFolder.ConfigPath(folder);
        var config = ClapConfig.ReadAudio(configPath);
        Func<string, bool>? textHalf = ClapConfig.IsFullModel(configPath) ? IsTextKey : null;
        return ClapPretrained.Load(folder, target, device => new ClapAudioModelWithProjection(config, device), textHalf);
    }

    private static bool IsTextKey(string key) =>
        key.StartsWith("text_model.", StringComparison.Ordinal) || key.StartsWith("text_projection.", StringComparison.Ordinal)
        || key is "logit_scale_a" or "logit_scale_t";
}
