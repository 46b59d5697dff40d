using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// transformers' <c>ClapAudioEncoder</c>, the unfused HTSAT Swin transformer: log-mel features (B, 1, T ≤ 1024, 64)
/// → BatchNorm over the mel axis → bicubic stretch to 1024 frames → four 256-frame chunks stacked into a
/// 256×256 image → 4×4 patches → four Swin stages → LayerNorm → (grouped tokens, mean token).
/// </summary>
public sealed class ClapAudioEncoder : nn.Module<Tensor, ClapAudioModelOutput>
{
    public readonly ClapAudioPatchEmbed patch_embed;
    public readonly ModuleList<ClapAudioStage> layers;
    public readonly BatchNorm2d batch_norm;
    public readonly LayerNorm norm;

    public ClapAudioEncoder(ClapAudioConfig config, Device? device = null) : base(nameof(ClapAudioEncoder))
    {
        Config = config;
        patch_embed = new ClapAudioPatchEmbed(config, device);
        layers = new ModuleList<ClapAudioStage>(Enumerable.Range(0, config.StageCount)
            .Select(stage => new ClapAudioStage(config, stage, device)).ToArray());
        batch_norm = nn.BatchNorm2d(config.NumMelBins, device: device);
        norm = nn.LayerNorm(config.EncoderWidth, device: device);
        RegisterComponents();
    }

    public ClapAudioConfig Config { get; }

    /// <summary>Names under which <see cref="Encode"/> reports its intermediate tensors, in order.</summary>
    public IEnumerable<string> StageNames =>
        new[] { "after_batch_norm", "after_reshape_mel2img", "after_patch_embed" }
            .Concat(Enumerable.Range(0, Config.StageCount).SelectMany(i => new[] { $"stage{i}.before_downsample", $"stage{i}.output" }))
            .Append("after_final_norm");

    public override ClapAudioModelOutput forward(Tensor input_features) => Encode(input_features);

    /// <param name="inputFeatures">
    /// (B, 1, frames ≤ 1024, num_mel_bins) log-mel features, as ClapFeatureExtractor makes them, on the encoder's
    /// device and dtype (the models above it move them there).
    /// </param>
    /// <param name="observe">Called with each intermediate tensor (see <see cref="StageNames"/>); the tensor is only valid during the call.</param>
    public ClapAudioModelOutput Encode(Tensor inputFeatures, Action<string, Tensor>? observe = null)
    {
        CheckInput(inputFeatures);
        using var scope = NewDisposeScope();

        var normalized = BatchNormOverMels(inputFeatures);
        observe?.Invoke("after_batch_norm", normalized);
        var image = ReshapeMel2Img(normalized);
        observe?.Invoke("after_reshape_mel2img", image);
        var hidden = patch_embed.forward(image);
        observe?.Invoke("after_patch_embed", hidden);
        for (var i = 0; i < layers.Count; i++)
        {
            var (output, beforeDownsample) = layers[i].forward(hidden);
            observe?.Invoke($"stage{i}.before_downsample", beforeDownsample);
            observe?.Invoke($"stage{i}.output", output);
            hidden = output;
        }
        var tokens = norm.forward(hidden);
        observe?.Invoke("after_final_norm", tokens);

        var grouped = GroupByFrequency(tokens);
        var pooled = grouped.flatten(2).mean([-1]);
        return new ClapAudioModelOutput(grouped.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope());
    }

    private void CheckInput(Tensor features)
    {
        var shape = "[" + string.Join(", ", features.shape) + "]";
        if (features.dim() != 4 || features.shape[0] < 1 || features.shape[1] != 1)
            throw new InputException($"CLAP audio input_features must be (batch, 1, frames, mel_bins), not {shape}");
        if (!features.is_floating_point())
            throw new InputException($"CLAP audio input_features must be floating point, not {features.dtype}");
        var (frames, mels) = (features.shape[2], features.shape[3]);
        if (mels != Config.NumMelBins)
            throw new InputException($"CLAP audio input_features {shape} have {mels} mel bins; this model takes {Config.NumMelBins}");
        if (frames < 1 || frames > Config.SpecWidth)
            throw new InputException($"CLAP audio input_features {shape} have {frames} frames; the encoder takes 1 to {Config.SpecWidth} " +
                "(10 s at 48 kHz with hop 480 gives 1001)");
        if (frames < Config.SpecWidth && mels < Config.SpecHeight)
            throw new InputException($"CLAP audio input_features {shape}: with fewer than {Config.SpecWidth} frames and fewer than " +
                $"{Config.SpecHeight} mel bins, transformers' frequency resize restores the original frame count and the image cannot be formed");
    }

    /// <summary>BatchNorm2d over the mel axis with the running statistics (always inference: CLAP is frozen here).</summary>
    public Tensor BatchNormOverMels(Tensor features)
    {
        using var melsAsChannels = features.transpose(1, 3);
        using var normalized = nn.functional.batch_norm(melsAsChannels, batch_norm.running_mean, batch_norm.running_var,
            batch_norm.weight, batch_norm.bias, training: false, eps: 1e-5);
        return normalized.transpose(1, 3);
    }

    /// <summary>
    /// transformers' <c>reshape_mel2img</c>: bicubic (align_corners) stretch to 1024 frames (and to 64 mel bins
    /// when fewer, at the original frame count, as transformers does), then the four 256-frame chunks stacked
    /// along frequency: image row = chunk·64 + mel bin, column = frame within the chunk.
    /// </summary>
    public Tensor ReshapeMel2Img(Tensor features)
    {
        using var scope = NewDisposeScope();
        var (batch, channels, frames, mels) = (features.shape[0], features.shape[1], features.shape[2], features.shape[3]);
        var resized = features;
        if (frames < Config.SpecWidth)
            resized = Bicubic(resized, Config.SpecWidth, mels);
        if (mels < Config.SpecHeight)
            resized = Bicubic(resized, frames, Config.SpecHeight);

        var (time, freq, ratio) = (resized.shape[2], resized.shape[3], Config.FreqRatio);
        var image = resized.reshape(batch, channels * ratio, time / ratio, freq)
            .permute(0, 1, 3, 2)
            .reshape(batch, channels, freq * ratio, time / ratio);
        return image.MoveToOuterDisposeScope();
    }

    // In float64: PyTorch's float32 bicubic computes the source coordinate in float32, an error of up to
    // ~6e-5 frames times the local slope; float64 lands on the exact resize and costs nothing at this size.
    private static Tensor Bicubic(Tensor features, long frames, long mels)
    {
        using var wide = features.to_type(ScalarType.Float64);
        using var resized = nn.functional.interpolate(wide, [frames, mels], mode: InterpolationMode.Bicubic, align_corners: true);
        return resized.to_type(features.dtype);
    }

    /// <summary>
    /// The grouped <c>last_hidden_state</c> (B, C, bins, bands·times) as a sequence over time, (B, C, bands·times):
    /// the mean over each column's frequency bins. Its last axis runs in time order, since band k is the k-th chunk of
    /// the clip (<see cref="ReshapeMel2Img"/>) and each band holds that chunk's columns in order; HTSAT-tiny gives 32
    /// frames of about 0.3 s over its 10 s window. Not part of transformers: the adapters' temporal branch reads it.
    /// </summary>
    public static Tensor FramesOverTime(Tensor lastHiddenState) => lastHiddenState.mean([2]);

    /// <summary>
    /// transformers' returned <c>last_hidden_state</c>: the final (B, 64, C) tokens as a (B, C, 8, 8) grid,
    /// its 8 frequency rows split into 4 bands of 2, regrouped to (B, C, 2, 4·8).
    /// </summary>
    public Tensor GroupByFrequency(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var (batch, channels) = (tokens.shape[0], tokens.shape[2]);
        var (frequencies, times) = Config.StageResolution(Config.StageCount - 1);
        var binsPerBand = frequencies / Config.FreqRatio;
        var grouped = tokens.permute(0, 2, 1)
            .reshape(batch, channels, frequencies, times)
            .reshape(batch, channels, frequencies / binsPerBand, binsPerBand, times)
            .permute(0, 1, 3, 2, 4)
            .reshape(batch, channels, binsPerBand, -1);
        return grouped.MoveToOuterDisposeScope();
    }
}
