using System.Security.Cryptography;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Worlds;
using Clap2Diffusion.Server.Content;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Uploads;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Examples;

/// <summary>
/// The example sounds of the active model. On the demo model they are the demo world's own sounds, synthesised once
/// by the engine's world on first use (about a second, 12 clips of 10 s); on another model they are the clips of
/// <see cref="ExampleOptions.ExamplesFolder"/>, checked like uploads. Using one stores it as the caller's upload,
/// so a job refers to it like to any clip.
/// </summary>
public sealed class ExampleLibrary
    : IExampleSounds
{
    private static readonly string[] AudioExtensions = [".wav", ".flac", ".mp3", ".ogg"];

    private readonly EngineState _engine;
    private readonly UploadService _uploads;
    private readonly Lazy<Loaded> _demo;
    private readonly Lazy<Loaded> _folder;

    public ExampleLibrary(EngineState engine, UploadService uploads, IAudioValidator validator, IOptions<ExampleOptions> options,
        IOptions<StorageOptions> storage, ILogger<ExampleLibrary> logger)
    {
        _engine = engine;
        _uploads = uploads;
        _demo = new Lazy<Loaded>(LoadDemo);
        _folder = new Lazy<Loaded>(() => LoadFolder(options.Value.ExamplesFolder, validator,
            new AudioUploadLimits(storage.Value.MaxAudioSeconds, storage.Value.MaxAudioBytes), logger));
    }

    private sealed record Loaded(ExampleSet Set, IReadOnlyDictionary<string, byte[]> Bytes);

    /// <summary>Whether a model is the demo model: it was trained on exactly the demo world's words.</summary>
    public static bool IsDemoModel(EngineInfo? info) => info is not null && info.KnownWords.ToHashSet().SetEquals(SyntheticWorlds.BuiltIn.PromptWords);

    /// <summary>The examples once prepared; none before, so no page waits for the synthesis.</summary>
    public ExampleSet Current => Ready()?.Set ?? ExampleSet.None;

    /// <summary>Makes (or reads) the active model's examples now; the warm-up calls it once the engine is ready.</summary>
    public ExampleSet Prepare() => Active()?.Value.Set ?? ExampleSet.None;

    public byte[]? Bytes(string id) => Ready()?.Bytes.GetValueOrDefault(id);

    public async Task<ExampleUse> UseAsync(string clientId, string exampleId, CancellationToken cancellationToken = default)
    {
        if (Ready() is not { } loaded || !loaded.Bytes.TryGetValue(exampleId, out var bytes))
            return new ExampleUse(null, $"There is no example '{exampleId}' for the active model; it may have changed. Reload the page.");
        try
        {
            return new ExampleUse(await _uploads.SaveAsync(clientId, bytes, $"{exampleId}.wav", cancellationToken), null);
        }
        catch (UploadRejectedException rejected)
        {
            return new ExampleUse(null, rejected.Message);
        }
    }

    private Lazy<Loaded>? Active() => _engine.Status.Info is not { } info ? null
        : IsDemoModel(info) ? _demo
        : _folder;

    private Loaded? Ready() => Active() is { IsValueCreated: true } prepared ? prepared.Value : null;

    private static Loaded LoadDemo()
    {
        var sounds = new List<ExampleSound>();
        var bytes = new Dictionary<string, byte[]>();
        var world = SyntheticWorlds.BuiltIn;
        foreach (var example in world.Examples)
        {
            var wav = WavWriter.Encode(example.Synthesize(), world.SampleRate);
            bytes[example.Id] = wav;
            sounds.Add(new ExampleSound(example.Id, example.Title, example.Caption, UrlOf(example.Id), StoredUrlOf(wav),
                example.Prompts.Select(p => new SuggestedPrompt(p.Relation, p.Prompt)).ToList()));
        }

        return new Loaded(new ExampleSet(true, sounds), bytes);
    }

    private static Loaded LoadFolder(string? folder, IAudioValidator validator, AudioUploadLimits limits, ILogger logger)
    {
        var sounds = new List<ExampleSound>();
        var bytes = new Dictionary<string, byte[]>();
        if (string.IsNullOrWhiteSpace(folder))
            return new Loaded(new ExampleSet(false, sounds), bytes);
        var files = Directory.EnumerateFiles(folder)
            .Where(f => AudioExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var id = Slug(Path.GetFileNameWithoutExtension(file));
            if (id.Length == 0 || bytes.ContainsKey(id))
            {
                logger.LogWarning("Example {File} skipped: its name gives no new id", file);
                continue;
            }
            byte[] wav;
            try
            {
                var content = File.ReadAllBytes(file);
                wav = validator.Inspect(content, limits).Stored;
            }
            catch (UploadRejectedException error)
            {
                logger.LogWarning("Example {File} skipped: {Reason}", file, error.Message);
                continue;
            }
            var (caption, prompts) = ReadSidecar(Path.ChangeExtension(file, ".txt"), Path.GetFileNameWithoutExtension(file), logger);
            bytes[id] = wav;
            sounds.Add(new ExampleSound(id, Path.GetFileNameWithoutExtension(file), caption, UrlOf(id), StoredUrlOf(wav), prompts));
        }

        return new Loaded(new ExampleSet(false, sounds), bytes);
    }

    private static (string Caption, List<SuggestedPrompt> Prompts) ReadSidecar(string path, string fallback, ILogger logger)
    {
        if (!File.Exists(path))
            return (fallback, []);
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var prompts = new List<SuggestedPrompt>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && Enum.TryParse<PromptAudioRelation>(line[..colon].Trim(), ignoreCase: true, out var relation) && line[(colon + 1)..].Trim() is { Length: > 0 } prompt)
                prompts.Add(new SuggestedPrompt(relation, prompt));
            else
                logger.LogWarning("{Path}: the line '{Line}' is not 'relation: prompt' with a relation of matching, complementary, creative or contradictory", path, line);
        }

        return (lines.FirstOrDefault() ?? fallback, prompts);
    }

    private static string Slug(string name) =>
        new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');

    private static string UrlOf(string id) => $"/examples/{id}.wav";

    private static string StoredUrlOf(byte[] wav) => ContentStore.UrlOf(Convert.ToHexStringLower(SHA256.HashData(wav)), "wav");
}
