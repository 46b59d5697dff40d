using System.Security.Cryptography;
using System.Text;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Tokenizers;
using Clap2Diffusion.Engine.Training.Data;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Training.Cache;

/// <summary>
/// The frozen networks whose outputs training reuses: the VAE encoder, CLAP's audio tower and CLIP's text
/// encoder. Their weight hashes and the preprocessing settings make the cache's fingerprint. With
/// <paramref name="withFrames"/> (adapters with the temporal branch) each crop's CLAP frame features are kept too,
/// in a cache of their own: the fingerprint says so, and caches without frames keep their fingerprint.
/// </summary>
public sealed class FrozenEncoders(AutoencoderKL vae, ClapConditioner clap, CLIPTextModel textEncoder, CLIPTokenizer tokenizer,
    int resolution, bool withFlip, int audioCrops, string modelFingerprint, bool withFrames = false)
{
    public AutoencoderKL Vae { get; } = vae;
    public ClapConditioner Clap { get; } = clap;
    public CLIPTextModel TextEncoder { get; } = textEncoder;
    public CLIPTokenizer Tokenizer { get; } = tokenizer;
    public int Resolution { get; } = resolution;
    public bool WithFlip { get; } = withFlip;
    public int AudioCrops { get; } = audioCrops;
    public bool WithFrames { get; } = withFrames;

    public string Fingerprint { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        $"{modelFingerprint}|{clap.WeightsHash}|{resolution}|{withFlip}|{audioCrops}|v1{(withFrames ? "|frames" : "")}")));

    /// <summary>The unconditional text states (the empty prompt), for text dropout.</summary>
    public Tensor EmptyText() => TextStates([""]).Item1[0];

    public Dictionary<string, Tensor> Encode(AudioClip clip, RgbImage image, string conditioningText, string caption)
    {
        var pixels = ImagePreprocessing.ToTensor(image, Resolution, WithFlip);
        using var posterior = Vae.encode(pixels.to(Clap.Target.DType, Clap.Target.Device));
        var (texts, masks) = TextStates(conditioningText == caption ? [caption] : [conditioningText, caption]);
        var (embeddings, frames) = AudioEmbeddings(clip);
        var tensors = new Dictionary<string, Tensor>
        {
            ["vae_mean"] = posterior.mean.to(ScalarType.Float32).cpu(),
            ["vae_std"] = posterior.std.to(ScalarType.Float32).cpu(),
            ["clap"] = embeddings,
            ["text"] = texts[0],
            ["caption"] = texts[^1],
            ["caption_mask"] = masks[^1],
        };
        if (frames is not null)
            tensors[FeatureCache.ClapFramesKey] = frames;
        return tensors;
    }

    /// <summary>
    /// One embedding per crop, [crops, D]: evenly spread over clips longer than CLAP's window, one for shorter clips;
    /// with <see cref="WithFrames"/> each crop's frame features too, [crops, C, T].
    /// </summary>
    private (Tensor Embeddings, Tensor? Frames) AudioEmbeddings(AudioClip clip)
    {
        var rate = Clap.Features.Config.SamplingRate;
        var length = (long)Math.Round(clip.Samples.Length * (double)rate / clip.SampleRate);
        var overflow = Math.Max(0, length - Clap.Features.Config.MaxSamples);
        var crops = overflow == 0 ? 1 : AudioCrops;
        var embeddings = new List<Tensor>();
        var frames = new List<Tensor>();
        for (var k = 0; k < crops; k++)
        {
            var offset = crops == 1 ? 0 : (int)Math.Round((double)k * overflow / (crops - 1));
            if (WithFrames)
            {
                var (embedding, cropFrames, _) = Clap.EmbedAudioWithFrames(clip, 0, offset);
                embeddings.Add(embedding.reshape(-1));
                frames.Add(cropFrames[0]);
            }
            else
                embeddings.Add(Clap.EmbedAudio(clip, 0, offset).Embedding.reshape(-1));
        }
        return (stack(embeddings).cpu(), WithFrames ? stack(frames).cpu() : null);
    }

    private (Tensor[] States, Tensor[] Masks) TextStates(IReadOnlyList<string> texts)
    {
        var batch = Tokenizer.EncodePadded(texts);
        var states = TextEncoder.PromptEmbeddings(batch.InputIdsTensor(Clap.Target.Device)).to(ScalarType.Float32).cpu();
        var masks = batch.AttentionMaskTensor().to(ScalarType.Float32);
        return (Enumerable.Range(0, texts.Count).Select(i => states[i]).ToArray(), Enumerable.Range(0, texts.Count).Select(i => masks[i]).ToArray());
    }
}
