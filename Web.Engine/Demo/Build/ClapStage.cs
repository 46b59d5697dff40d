using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Models.Clap;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Tokenizers;
using Clap2Diffusion.Engine.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Demo.Build;

/// <summary>
/// Trains the demo CLAP contrastively, as LAION trained theirs: audio and caption embeddings of matching pairs are
/// pulled together and the rest of the batch pushed apart (symmetric InfoNCE with the two learnable logit scales).
/// Clips of the same scene are all positives for each other, so the model is not taught to tell apart sounds the
/// captions cannot. Features come from the world's WAV files through the real feature extractor (two crops per
/// clip), and every step writes the captions afresh from the ground truth, so the text side sees varied phrasing.
/// </summary>
public static class ClapStage
{
    public static ClapModel Train(DemoProfile profile, string dataset, RobertaTokenizer tokenizer, int vocabularySize, ClapFeatureExtractor features,
        ulong seed, StageProgress? progress, CancellationToken cancellation)
    {
        var entries = AudioCapsDataset.ReadSplit(new AudioCapsLayout(dataset), "train");
        var (audio, scenes) = Featurise(entries, features, progress, cancellation);
        manual_seed((long)(seed & 0x7FFFFFFF) + 2);
        var model = new ClapModel(DemoArchitecture.Clap(vocabularySize));
        model.train();
        var random = new SeededRandom(seed).Fork(0xC1A9);

        StageTraining.Run("clap", model.named_parameters().Select(p => (p.name, p.parameter)), profile.ClapSteps, 5e-4, _ =>
        {
            var picks = Enumerable.Range(0, profile.ClapBatch).Select(_ => random.Next((int)audio.shape[0])).ToArray();
            var batchScenes = picks.Select(i => scenes[i / 2]).ToList();
            var text = tokenizer.EncodeLongest(batchScenes.Select(s => AudioCaptionWriter.Write(s, random)).ToList());
            var audioFeatures = model.GetAudioFeatures(audio.index_select(0, tensor(picks.Select(i => (long)i).ToArray())));
            var textFeatures = model.GetTextFeatures(text.InputIdsTensor(), text.AttentionMaskTensor());
            var (logitsPerText, logitsPerAudio) = model.Logits(textFeatures, audioFeatures);
            var same = tensor(batchScenes.SelectMany(a => batchScenes.Select(b => a.SceneElements.SequenceEqual(b.SceneElements) ? 1f : 0f)).ToArray())
                .reshape(picks.Length, picks.Length);
            var targets = same / same.sum(1, keepdim: true);
            return SoftCrossEntropy(logitsPerAudio, targets).add(SoftCrossEntropy(logitsPerText, targets.t()), Scalars.One) / Scalars.Two;
        }, progress, cancellation, afterStep: _ => ClampLogitScales(model));

        audio.Dispose();
        model.eval();
        return model;
    }

    private static Tensor SoftCrossEntropy(Tensor logits, Tensor targets) => -(targets * logits.log_softmax(1)).sum(1).mean();

    // CLIP's cap: a temperature below 1/100 makes training unstable.
    private static void ClampLogitScales(ClapModel model)
    {
        using var noGrad = no_grad();
        using var ceiling = Math.Log(100).ToScalar();
        model.logit_scale_a.clamp_(Scalars.Zero, ceiling);
        model.logit_scale_t.clamp_(Scalars.Zero, ceiling);
    }

    /// <summary>Two feature crops per clip (start and end of the clip), and each clip's scene from the ground-truth columns.</summary>
    private static (Tensor Audio, List<DemoScene> Scenes) Featurise(IReadOnlyList<AudioCapsEntry> entries, ClapFeatureExtractor features,
        StageProgress? progress, CancellationToken cancellation)
    {
        var crops = new List<Tensor>();
        var scenes = new List<DemoScene>();
        for (var i = 0; i < entries.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var entry = entries[i];
            var clip = AudioDecoder.DecodeFile(entry.AudioPath ?? throw new InputException($"world clip {entry.YoutubeId} has no audio file"));
            var samples = clip.ResampleTo(features.Config.SamplingRate).Samples;
            var overflow = Math.Max(0, samples.Length - features.Config.MaxSamples);
            foreach (var offset in new[] { 0, overflow })
                crops.Add(features.Extract(samples, offset).ToTensor().squeeze(0));
            scenes.Add(SceneOf(entry.Columns));
            progress?.Invoke("clap (features)", i + 1, entries.Count, double.NaN);
        }
        var audio = stack(crops).DetachFromDisposeScope();
        foreach (var crop in crops)
            crop.Dispose();
        return (audio, scenes);
    }

    public static DemoScene SceneOf(IReadOnlyDictionary<string, string> columns)
    {
        string? Level(string name) => columns[name] == DemoVocabulary.None ? null : columns[name];
        return new DemoScene(columns["shape"], columns["color"], Level("foreground"), Level("background"), Level("ambience"));
    }
}
