using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Training.Data;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Training.Cache;

/// <summary>
/// One sample's frozen features, read back from the cache (CPU, float32). <see cref="ClapFrames"/>, [crops, C, T],
/// only from a cache built for the temporal branch.
/// </summary>
public sealed record CachedSample(string Id, Tensor VaeMean, Tensor VaeStd, Tensor ClapEmbeddings, Tensor Text, Tensor Caption, Tensor CaptionMask,
    Tensor? ClapFrames = null) : IDisposable
{
    public void Dispose()
    {
        ClapFrames?.Dispose();
        VaeMean.Dispose();
        VaeStd.Dispose();
        ClapEmbeddings.Dispose();
        Text.Dispose();
        Caption.Dispose();
        CaptionMask.Dispose();
    }
}

/// <summary>
/// The frozen parts of training computed once and kept on disk as safetensors shards: per sample the VAE
/// posterior's mean and standard deviation (both flips when flipping is on; a fresh latent is drawn every step),
/// CLAP audio embeddings (several crops for clips longer than CLAP's window; each crop's frame features beside them
/// when the adapters have the temporal branch) and CLIP text states of the
/// conditioning text and of the caption. The folder is keyed by the frozen models' hashes and the preprocessing;
/// each sample by its files' hashes and texts, so editing the dataset recomputes only what changed.
/// Building it is also the dataset's validation pass: missing, unreadable and too-short files are reported and
/// skipped, and the pass never stops midway.
/// </summary>
public sealed class FeatureCache : IDisposable
{
    private const int ShardSize = 128;
    private const string IndexFile = "index.json";

    /// <summary>The sample's CLAP frame features, [crops, C, T], stored only for the temporal branch.</summary>
    public const string ClapFramesKey = "clap_frames";

    private readonly Dictionary<string, SafeTensorsFile> shards = new(StringComparer.Ordinal);
    private readonly List<(string Id, string Shard, string Key)> samples;

    private FeatureCache(string folder, List<(string Id, string Shard, string Key)> samples)
    {
        Folder = folder;
        this.samples = samples;
    }

    public string Folder { get; }

    public int Count => samples.Count;

    public string IdAt(int index) => samples[index].Id;

    public CachedSample Get(int index)
    {
        var (id, shardName, key) = samples[index];
        if (!shards.TryGetValue(shardName, out var shard))
        {
            shard = SafeTensorsFile.Open(Path.Combine(Folder, shardName));
            shards[shardName] = shard;
        }
        Tensor Read(string name) => shard.Load($"{key}.{name}", ScalarType.Float32);
        var frames = shard.Contains($"{key}.{ClapFramesKey}") ? Read(ClapFramesKey) : null;
        return new CachedSample(id, Read("vae_mean"), Read("vae_std"), Read("clap"), Read("text"), Read("caption"), Read("caption_mask"), frames);
    }

    public static (FeatureCache Cache, DatasetReport Report) Build(string folder, IReadOnlyList<AudioCapsEntry> entries, FrozenEncoders encoders,
        string split, double minAudioSeconds, Action<int, int>? progress = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(folder);
        var index = ReadIndex(folder);
        var skipped = new List<SkippedSample>();
        var usable = new List<(string Id, string Shard, string Key)>();
        var pending = new List<(string Key, Dictionary<string, Tensor> Tensors)>();
        using var noGrad = no_grad();

        for (var i = 0; i < entries.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            progress?.Invoke(i, entries.Count);
            var entry = entries[i];
            var id = entry.AudiocapId;
            if (entry.AudioPath is null)
            {
                skipped.Add(new(id, "missing audio: no file for this row"));
                continue;
            }
            if (entry.ImagePath is null)
            {
                skipped.Add(new(id, "missing image: no file for this row"));
                continue;
            }

            var key = SampleKey(entry);
            if (index.TryGetValue(key, out var shardOfKey))
            {
                usable.Add((id, shardOfKey, key));
                continue;
            }

            AudioClip clip;
            RgbImage image;
            try
            {
                clip = AudioDecoder.DecodeFile(entry.AudioPath);
            }
            catch (InputException error)
            {
                skipped.Add(new(id, $"unreadable audio: {error.Message}"));
                continue;
            }
            if (clip.Duration.TotalSeconds < minAudioSeconds)
            {
                skipped.Add(new(id, $"too short: {clip.Duration.TotalSeconds:F2} s of audio, under {minAudioSeconds} s"));
                continue;
            }
            try
            {
                image = RgbImage.Load(entry.ImagePath);
            }
            catch (InputException error)
            {
                skipped.Add(new(id, $"unreadable image: {error.Message}"));
                continue;
            }

            using var scope = NewDisposeScope();
            var tensors = encoders.Encode(clip, image, entry.ConditioningText, entry.Caption);
            foreach (var tensor in tensors.Values)
                tensor.DetachFromDisposeScope();
            pending.Add((key, tensors));
            usable.Add((id, "", key));
            if (pending.Count == ShardSize)
                Flush(folder, index, pending, usable);
        }
        Flush(folder, index, pending, usable);
        progress?.Invoke(entries.Count, entries.Count);
        return (new FeatureCache(folder, usable), new DatasetReport(split, entries.Count, usable.Count, skipped));
    }

    /// <summary>The cache folder for a set of frozen models and preprocessing settings.</summary>
    public static string FolderFor(string root, FrozenEncoders encoders) => Path.Combine(root, encoders.Fingerprint[..16]);

    private static void Flush(string folder, Dictionary<string, string> index, List<(string Key, Dictionary<string, Tensor> Tensors)> pending,
        List<(string Id, string Shard, string Key)> usable)
    {
        if (pending.Count == 0)
            return;
        var shardName = $"shard-{Guid.NewGuid():N}.safetensors";
        SafeTensorsWriter.Save(Path.Combine(folder, shardName),
            pending.SelectMany(p => p.Tensors.Select(t => ($"{p.Key}.{t.Key}", t.Value))));
        foreach (var (key, tensors) in pending)
        {
            index[key] = shardName;
            foreach (var tensor in tensors.Values)
                tensor.Dispose();
        }
        for (var i = 0; i < usable.Count; i++)
            if (usable[i].Shard.Length == 0)
                usable[i] = usable[i] with { Shard = index[usable[i].Key] };
        pending.Clear();
        WriteIndex(folder, index);
    }

    private static Dictionary<string, string> ReadIndex(string folder)
    {
        var path = Path.Combine(folder, IndexFile);
        if (!File.Exists(path))
            return new(StringComparer.Ordinal);
        try
        {
            var index = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? new();
            // Entries whose shard is gone (a crash before the shard landed) are recomputed.
            return index.Where(kv => File.Exists(Path.Combine(folder, kv.Value))).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return new(StringComparer.Ordinal);
        }
    }

    private static void WriteIndex(string folder, Dictionary<string, string> index) =>
        PretrainedWriter.WriteJson(Path.Combine(folder, IndexFile), index);

    internal static string SampleKey(AudioCapsEntry entry)
    {
        var text = $"{FileHash(entry.AudioPath!)}\n{FileHash(entry.ImagePath!)}\n{entry.ConditioningText}\n{entry.Caption}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..24];
    }

    private static string FileHash(string path) => ModelHash.OfFile(path);

    public void Dispose()
    {
        foreach (var shard in shards.Values)
            shard.Dispose();
        shards.Clear();
    }
}
