using System.Text.Json;
using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Engine.Tokenizers;

/// <summary>
/// Writes a tokenizer folder (<c>vocab.json</c>, <c>merges.txt</c>, <c>tokenizer_config.json</c>,
/// <c>special_tokens_map.json</c>) learnt from a corpus, in the layout of CLIP's or RoBERTa's Hugging Face folders.
/// </summary>
public static class VocabularyWriter
{
    /// <summary>CLIP's layout: 256 byte symbols, the same with <c>&lt;/w&gt;</c>, the merges, then start and end of text.</summary>
    public static void WriteClip(string folder, IEnumerable<string> corpus, int maxMerges)
    {
        var pieces = Count(corpus.SelectMany(text => ClipPreTokenizer.Split(CLIPTokenizer.Normalize(text))), piece =>
        {
            var symbols = ByteLevelBpe.ToSymbols(piece).Select(c => c.ToString()).ToList();
            symbols[^1] += "</w>";
            return symbols;
        });
        var merges = BpeTrainer.LearnMerges(pieces, maxMerges);
        var vocabulary = new List<string>();
        vocabulary.AddRange(BpeTrainer.ByteSymbols());
        vocabulary.AddRange(BpeTrainer.ByteSymbols().Select(s => s + "</w>"));
        vocabulary.AddRange(merges.Select(m => m.First + m.Second));
        vocabulary.Add(CLIPTokenizer.StartOfText);
        vocabulary.Add(CLIPTokenizer.EndOfText);
        Write(folder, vocabulary, merges, new
        {
            model_max_length = 77,
            do_lower_case = true,
            bos_token = CLIPTokenizer.StartOfText,
            eos_token = CLIPTokenizer.EndOfText,
            unk_token = CLIPTokenizer.EndOfText,
            pad_token = CLIPTokenizer.EndOfText,
            tokenizer_class = "CLIPTokenizer",
        });
    }

    /// <summary>RoBERTa's layout: <c>&lt;s&gt; &lt;pad&gt; &lt;/s&gt; &lt;unk&gt;</c>, 256 byte symbols, the merges, then <c>&lt;mask&gt;</c>.</summary>
    public static void WriteRoberta(string folder, IEnumerable<string> corpus, int maxMerges)
    {
        var pieces = Count(corpus.SelectMany(Gpt2PreTokenizer.Split), piece => ByteLevelBpe.ToSymbols(piece).Select(c => c.ToString()).ToList());
        var merges = BpeTrainer.LearnMerges(pieces, maxMerges);
        var vocabulary = new List<string> { "<s>", "<pad>", "</s>", "<unk>" };
        vocabulary.AddRange(BpeTrainer.ByteSymbols());
        vocabulary.AddRange(merges.Select(m => m.First + m.Second).Where(token => !vocabulary.Contains(token)));
        vocabulary.Add("<mask>");
        Write(folder, vocabulary, merges, new
        {
            model_max_length = 77,
            add_prefix_space = false,
            bos_token = "<s>",
            eos_token = "</s>",
            unk_token = "<unk>",
            pad_token = "<pad>",
            mask_token = "<mask>",
            tokenizer_class = "RobertaTokenizer",
        });
    }

    private static Dictionary<string, (List<string> Symbols, int Count)> Count(IEnumerable<string> pieces, Func<string, List<string>> symbols)
    {
        var counts = new Dictionary<string, (List<string>, int)>(StringComparer.Ordinal);
        foreach (var piece in pieces)
            counts[piece] = counts.TryGetValue(piece, out var entry) ? (entry.Item1, entry.Item2 + 1) : (symbols(piece), 1);
        return counts;
    }

    private static void Write(string folder, List<string> vocabulary, List<(string First, string Second)> merges, object config)
    {
        Directory.CreateDirectory(folder);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in vocabulary)
            ids.TryAdd(token, ids.Count);
        File.WriteAllText(Path.Combine(folder, "vocab.json"), JsonSerializer.Serialize(ids,
            new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        File.WriteAllText(Path.Combine(folder, "merges.txt"), "#version: 0.2\n" + string.Join("\n", merges.Select(m => $"{m.First} {m.Second}")) + "\n");
        PretrainedWriter.WriteJson(Path.Combine(folder, "tokenizer_config.json"), config);
        PretrainedWriter.WriteJson(Path.Combine(folder, "special_tokens_map.json"), config);
    }
}
