using System.Text.Json;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Tokenizers;

/// <summary>
/// A Hugging Face tokenizer folder (diffusers' <c>tokenizer/</c>): <c>vocab.json</c>, <c>merges.txt</c> and
/// the optional <c>tokenizer_config.json</c> and <c>special_tokens_map.json</c>, whose special tokens are
/// either plain strings or objects with a <c>content</c> field. As in transformers, an entry of
/// <c>special_tokens_map.json</c> overrides the same entry of <c>tokenizer_config.json</c>.
/// </summary>
public sealed class TokenizerFolder
{
    private readonly Dictionary<string, string> specialTokens = new(StringComparer.Ordinal);

    private TokenizerFolder(string path) => Path = path;

    public string Path { get; }

    /// <summary><c>model_max_length</c>, when the folder gives a usable one.</summary>
    public int? ModelMaxLength { get; private set; }

    /// <summary><c>add_prefix_space</c> (byte-level BPE tokenizers): a space is put before text that does not start with one.</summary>
    public bool AddPrefixSpace { get; private set; }

    public string VocabularyPath => System.IO.Path.Combine(Path, "vocab.json");

    public string MergesPath => System.IO.Path.Combine(Path, "merges.txt");

    public static TokenizerFolder Open(string folder)
    {
        if (!Directory.Exists(folder))
            throw new InputException($"tokenizer folder not found: {folder}");
        var result = new TokenizerFolder(folder);
        foreach (var name in (ReadOnlySpan<string>)["vocab.json", "merges.txt"])
            if (!File.Exists(System.IO.Path.Combine(folder, name)))
                throw new InputException($"{folder} is not a BPE tokenizer folder: it has no {name}");
        result.ReadSettings(System.IO.Path.Combine(folder, "tokenizer_config.json"));
        result.ReadSettings(System.IO.Path.Combine(folder, "special_tokens_map.json"));
        return result;
    }

    /// <summary>The configured text of a special token such as <c>pad_token</c>, or the fallback.</summary>
    public string SpecialToken(string name, string fallback) => specialTokens.GetValueOrDefault(name, fallback);

    public IReadOnlyDictionary<string, int> ReadVocabulary()
    {
        Dictionary<string, int>? vocabulary;
        try
        {
            vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(VocabularyPath));
        }
        catch (JsonException error)
        {
            throw new InputException($"{VocabularyPath}: not a token-to-id JSON object ({error.Message})", error);
        }
        if (vocabulary is null || vocabulary.Count == 0)
            throw new InputException($"{VocabularyPath}: the vocabulary is empty");
        return vocabulary;
    }

    /// <summary>Merge pairs in rank order: every line after the optional <c>#version</c> header, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<(string First, string Second)> ReadMerges(int limit = int.MaxValue)
    {
        var merges = new List<(string, string)>();
        var lineNumber = 0;
        foreach (var rawLine in File.ReadLines(MergesPath))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal))
                continue;
            if (line.Trim().Length == 0)
                continue;
            if (merges.Count == limit)
                break;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
                throw new InputException($"{MergesPath}:{lineNumber}: a merge line holds two symbols, found '{line}'");
            merges.Add((parts[0], parts[1]));
        }
        return merges;
    }

    private void ReadSettings(string path)
    {
        if (!File.Exists(path))
            return;
        using var document = ConfigJson.ParseDocument(File.ReadAllText(path), path);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new InputException($"{path}: expected a JSON object");
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name == "model_max_length")
                ModelMaxLength = ReadLength(property.Value);
            else if (property.Name == "add_prefix_space")
                AddPrefixSpace = property.Value.ValueKind == JsonValueKind.True;
            else if (property.Name.EndsWith("_token", StringComparison.Ordinal) && TokenText(property.Value) is { } text)
                specialTokens[property.Name] = text;
        }
    }

    private static string? TokenText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object when value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
            => content.GetString(),
        _ => null,
    };

    // transformers writes 1e30 ("no limit") for tokenizers saved without a length; that is no usable length.
    private static int? ReadLength(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var length) && length >= 1 && length <= 1_000_000
            ? (int)length
            : null;
}
