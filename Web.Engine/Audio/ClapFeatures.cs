using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// One clip's log-mel features, (frames, mels) row-major float32 in dB, as <c>ClapFeatureExtractor</c> returns
/// them for the unfused model. <paramref name="CropOffset"/> is the first sample of the crop taken from a clip
/// longer than the maximum (0 otherwise): passing it back reproduces the same features.
/// </summary>
public sealed record ClapFeatures(float[] Values, int Frames, int Mels, bool IsLonger, int CropOffset)
{
    public float this[int frame, int mel] => Values[frame * Mels + mel];

    /// <summary>The model's <c>input_features</c> for a batch of one: [1, 1, frames, mels] float32.</summary>
    public Tensor ToTensor(Device? device = null) => tensor(Values, [1, 1, Frames, Mels], ScalarType.Float32, device);

    /// <summary>A batch, [B, 1, frames, mels] float32; every clip must have the same shape.</summary>
    public static Tensor Stack(IReadOnlyList<ClapFeatures> batch, Device? device = null)
    {
        if (batch.Count == 0)
            throw new ArgumentException("an empty batch has no features", nameof(batch));
        var (frames, mels) = (batch[0].Frames, batch[0].Mels);
        if (batch.Any(f => f.Frames != frames || f.Mels != mels))
            throw new ArgumentException("every clip in a batch must have the same number of frames and mels", nameof(batch));
        var values = new float[batch.Count * frames * mels];
        for (var i = 0; i < batch.Count; i++)
            batch[i].Values.CopyTo(values, i * frames * mels);
        return tensor(values, [batch.Count, 1, frames, mels], ScalarType.Float32, device);
    }

    /// <summary>The extractor's <c>is_longer</c>, [B, 1] bool (the unfused model ignores it).</summary>
    public static Tensor IsLongerTensor(IReadOnlyList<ClapFeatures> batch, Device? device = null) =>
        tensor(batch.Select(f => f.IsLonger).ToArray(), [batch.Count, 1], ScalarType.Bool, device);
}
