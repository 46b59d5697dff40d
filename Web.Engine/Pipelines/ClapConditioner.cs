using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Clap;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Tokenizers;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Layouts;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>
/// The frozen CLAP side of generation: waveform to features to the L2-normalised audio embedding the V4 adapters
/// read, and, when the folder carries CLAP's text tower and tokenizer, text embeddings for the relation
/// classifier. A folder with only the audio half still conditions images; its relation is then unknown.
/// </summary>
public sealed class ClapConditioner : IDisposable
{
    private readonly ClapModel? full;
    private readonly ClapAudioModelWithProjection? audioOnly;
    private readonly RobertaTokenizer? tokenizer;
    // Only the anchor phrases are kept: they are compared with on every job and their set is fixed by the folder.
    // Prompts and captions are embedded per call, so a public server's endless new prompts hold no memory.
    private readonly Dictionary<string, Tensor> anchorCache = new(StringComparer.Ordinal);
    private readonly HashSet<string> anchorPhrases;

    private ClapConditioner(string folder, ClapFeatureExtractor features, ClapModel? full, ClapAudioModelWithProjection? audioOnly,
        RobertaTokenizer? tokenizer, RelationAnchors anchors, string weightsHash, ComputeTarget target)
    {
        Folder = folder;
        Features = features;
        this.full = full;
        this.audioOnly = audioOnly;
        this.tokenizer = tokenizer;
        Anchors = anchors;
        WeightsHash = weightsHash;
        Target = target;
        anchorPhrases = Enum.GetValues<AudioLevel>().SelectMany(level => anchors.Level(level)).Select(a => a.Phrase).ToHashSet(StringComparer.Ordinal);
    }

    public string Folder { get; }

    public ClapFeatureExtractor Features { get; }

    public RelationAnchors Anchors { get; }

    public string WeightsHash { get; }

    public ComputeTarget Target { get; }

    /// <summary>True when CLAP's text tower is loaded, so prompts can be compared with sounds.</summary>
    public bool ReadsText => full is not null && tokenizer is not null;

    public int EmbeddingSize => full?.Config.ProjectionDim ?? audioOnly!.Config.ProjectionDim;

    /// <summary>Width of the audio encoder's frame features (<see cref="EmbedAudioWithFrames"/>), its hidden size.</summary>
    public int FrameWidth => full?.Config.AudioConfig.HiddenSize ?? audioOnly!.Config.HiddenSize;

    public static ClapConditioner Load(string folder, ComputeTarget target)
    {
        WeightFiles.RequireFolder(folder);
        var files = WeightFiles.Locate(folder, WeightFiles.Transformers);
        var features = ClapFeatureExtractor.FromPretrained(folder);
        bool hasText;
        using (var first = SafeTensorsFile.Open(files[0]))
            hasText = files.Count > 1 || first.Names.Any(n => n.StartsWith("text_model.", StringComparison.Ordinal));
        var hasTokenizer = File.Exists(Path.Combine(folder, "vocab.json")) && File.Exists(Path.Combine(folder, "merges.txt"));
        var hash = ModelHash.OfFiles(files);
        if (hasText && hasTokenizer)
            return new ClapConditioner(folder, features, ClapModel.FromPretrained(folder, target), null,
                RobertaTokenizer.FromPretrained(folder), RelationAnchors.ForClapFolder(folder), hash, target);
        return new ClapConditioner(folder, features, null, ClapAudioModelWithProjection.FromPretrained(folder, target), null,
            RelationAnchors.ForClapFolder(folder), hash, target);
    }

    /// <summary>
    /// The normalised audio embedding [1, D]. Clips longer than the extractor's window are cropped at
    /// <paramref name="cropOffset"/>, or at an offset drawn from the job's seed; the offset used is returned.
    /// </summary>
    public (Tensor Embedding, int CropOffset) EmbedAudio(AudioClip clip, long seed, int? cropOffset = null)
    {
        var features = ExtractCrop(clip, seed, cropOffset);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = features.ToTensor(Target.Device);
        var embedding = full is not null ? full.GetAudioFeatures(input) : audioOnly!.GetAudioFeatures(input);
        return (embedding.to(ScalarType.Float32).MoveToOuterDisposeScope(), features.CropOffset);
    }

    /// <summary>
    /// <see cref="EmbedAudio"/> and, from the same encoder pass, the frame features before pooling [1, C, T] that the
    /// adapters' temporal branch reads. The embedding is bit for bit the one <see cref="EmbedAudio"/> returns.
    /// </summary>
    public (Tensor Embedding, Tensor Frames, int CropOffset) EmbedAudioWithFrames(AudioClip clip, long seed, int? cropOffset = null)
    {
        var features = ExtractCrop(clip, seed, cropOffset);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = features.ToTensor(Target.Device);
        var (embedding, frames) = full is not null ? full.GetAudioFeaturesAndFrames(input) : audioOnly!.GetAudioFeaturesAndFrames(input);
        return (embedding.to(ScalarType.Float32).MoveToOuterDisposeScope(), frames.to(ScalarType.Float32).MoveToOuterDisposeScope(), features.CropOffset);
    }

    /// <summary>Normalised CLAP text embeddings [N, D]. The folder's anchor phrases are embedded once and kept.</summary>
    public Tensor EmbedTexts(IReadOnlyList<string> texts)
    {
        if (!ReadsText)
            throw new InvalidOperationException($"the CLAP folder {Folder} has no text tower or tokenizer");
        var missingAnchors = texts.Where(t => anchorPhrases.Contains(t) && !anchorCache.ContainsKey(t)).Distinct().ToList();
        if (missingAnchors.Count > 0)
        {
            using var scope = NewDisposeScope();
            var embeddings = Embed(missingAnchors);
            for (var i = 0; i < missingAnchors.Count; i++)
                anchorCache[missingAnchors[i]] = embeddings[i].clone().DetachFromDisposeScope();
        }
        var others = texts.Where(t => !anchorPhrases.Contains(t)).Distinct().ToList();
        if (others.Count == 0)
            return stack(texts.Select(t => anchorCache[t]).ToArray());
        using (var scope = NewDisposeScope())
        {
            var embeddings = Embed(others);
            var rows = texts.Select(t => anchorCache.TryGetValue(t, out var anchor) ? anchor : embeddings[others.IndexOf(t)]).ToArray();
            return stack(rows).MoveToOuterDisposeScope();
        }
    }

    private Tensor Embed(IReadOnlyList<string> texts)
    {
        using var noGrad = no_grad();
        var batch = tokenizer!.EncodeLongest(texts);
        return full!.GetTextFeatures(batch.InputIdsTensor(Target.Device), batch.AttentionMaskTensor(Target.Device)).to(ScalarType.Float32).cpu();
    }

    /// <summary>Cosine similarity of a normalised CLAP embedding (audio or text) to each level's anchor phrases, in anchor order.</summary>
    public Dictionary<AudioLevel, double[]> AnchorSimilarities(Tensor embedding)
    {
        using var scope = NewDisposeScope();
        var similarities = new Dictionary<AudioLevel, double[]>();
        foreach (var level in Enum.GetValues<AudioLevel>())
        {
            var phrases = Anchors.Level(level).Select(a => a.Phrase).ToList();
            similarities[level] = phrases.Count == 0 ? [] : EmbedTexts(phrases).matmul(embedding).data<float>().Select(v => (double)v).ToArray();
        }
        return similarities;
    }

    /// <summary>Classifies the pair, or returns null when this CLAP cannot read text.</summary>
    public RelationAssessment? Assess(string prompt, Tensor audioEmbedding)
    {
        if (!ReadsText)
            return null;
        using var scope = NewDisposeScope();
        var audio = audioEmbedding.to(ScalarType.Float32).cpu().reshape(-1);
        var promptEmbedding = EmbedTexts([prompt])[0];
        var promptToAnchors = AnchorSimilarities(promptEmbedding);
        var audioToAnchors = AnchorSimilarities(audio);
        var evidence = new RelationEvidence(prompt, promptEmbedding.dot(audio).item<float>(), promptToAnchors, audioToAnchors);
        return RelationRule.Classify(Anchors, evidence);
    }

    /// <summary>SHA-256 over CLAP's loaded weights, to prove training left them untouched.</summary>
    public string ParameterFingerprint()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        TorchSharp.torch.nn.Module model = full is not null ? full : audioOnly!;
        foreach (var (key, tensor) in model.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(key));
            // detach() makes a tensor even when cpu() and contiguous() then return it unchanged: the scope owns all three.
            using var scope = NewDisposeScope();
            hash.AppendData(tensor.detach().cpu().contiguous().bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private ClapFeatures ExtractCrop(AudioClip clip, long seed, int? cropOffset) => cropOffset is { } offset
        ? Features.Extract(clip, offset)
        : Features.Extract(clip, new Random(CropSeed(seed)));

    // The crop is part of the job's randomness: derived from its seed, independent of the latent noise stream.
    private static int CropSeed(long seed) => (int)((ulong)seed * 0x9E3779B97F4A7C15UL >> 33);

    public void Dispose()
    {
        full?.Dispose();
        audioOnly?.Dispose();
        foreach (var cached in anchorCache.Values)
            cached.Dispose();
        anchorCache.Clear();
    }
}
