using System.Collections.Concurrent;
using System.Text;

namespace Clap2Diffusion.Engine.Tokenizers;

/// <summary>
/// Byte-level BPE as GPT-2, RoBERTa and CLIP apply it to one pre-tokenized piece: the piece's UTF-8 bytes
/// become printable symbols (GPT-2's <c>bytes_to_unicode</c>), then the adjacent pair with the lowest merge
/// rank is merged everywhere, left to right without overlap, until no adjacent pair has a rank. CLIP marks
/// the end of every word by appending <c>&lt;/w&gt;</c> to its last symbol; GPT-2 has no such marker.
/// Kept small and self-written so that it follows the Python reference step for step; the text rules
/// around it (normalisation, splitting, special tokens) live in the tokenizers that use it.
/// </summary>
public sealed class ByteLevelBpe
{
    // A web server tokenizes arbitrary prompts for ever; past this many distinct pieces the cache starts over.
    private const int MaxCachedPieces = 50_000;

    private static readonly char[] ByteToSymbol = BuildByteToSymbol();

    private readonly IReadOnlyDictionary<string, int> vocabulary;
    private readonly Dictionary<(string First, string Second), int> ranks;
    private readonly string endOfWord;
    private readonly int unknownId;
    private readonly ConcurrentDictionary<string, int[]> cache = new(StringComparer.Ordinal);

    /// <param name="vocabulary">token string to id, as in <c>vocab.json</c></param>
    /// <param name="merges">merge pairs in rank order, as in <c>merges.txt</c></param>
    /// <param name="endOfWordSuffix">appended to a word's last symbol before merging (CLIP: <c>&lt;/w&gt;</c>), or empty</param>
    /// <param name="unknownId">id for a symbol the vocabulary lacks</param>
    public ByteLevelBpe(IReadOnlyDictionary<string, int> vocabulary, IEnumerable<(string First, string Second)> merges,
        string endOfWordSuffix, int unknownId)
    {
        this.vocabulary = vocabulary;
        ranks = [];
        foreach (var pair in merges)
            ranks.TryAdd(pair, ranks.Count);
        endOfWord = endOfWordSuffix;
        this.unknownId = unknownId;
    }

    public int MergeCount => ranks.Count;

    /// <summary>GPT-2's reversible map from the 256 byte values to printable Unicode symbols.</summary>
    public static char SymbolOf(byte value) => ByteToSymbol[value];

    /// <summary>The piece's UTF-8 bytes, each written as its symbol.</summary>
    public static string ToSymbols(string piece)
    {
        var bytes = Encoding.UTF8.GetBytes(piece);
        var symbols = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
            symbols[i] = ByteToSymbol[bytes[i]];
        return new string(symbols);
    }

    /// <summary>Token ids of one pre-tokenized piece of text.</summary>
    public int[] Encode(string piece)
    {
        var symbols = ToSymbols(piece);
        if (cache.TryGetValue(symbols, out var cached))
            return cached;
        var ids = Merge(symbols).Select(token => vocabulary.TryGetValue(token, out var id) ? id : unknownId).ToArray();
        if (cache.Count >= MaxCachedPieces)
            cache.Clear();
        cache.TryAdd(symbols, ids);
        return ids;
    }

    /// <summary>The BPE tokens (strings) of a piece already written as byte symbols.</summary>
    public IReadOnlyList<string> Merge(string symbols)
    {
        if (symbols.Length == 0)
            return [];
        var word = new List<string>(symbols.Length);
        foreach (var symbol in symbols)
            word.Add(symbol.ToString());
        word[^1] += endOfWord;

        while (word.Count > 1)
        {
            var best = int.MaxValue;
            string first = "", second = "";
            for (var i = 0; i + 1 < word.Count; i++)
                if (ranks.TryGetValue((word[i], word[i + 1]), out var rank) && rank < best)
                    (best, first, second) = (rank, word[i], word[i + 1]);
            if (best == int.MaxValue)
                break;

            var merged = new List<string>(word.Count);
            for (var i = 0; i < word.Count;)
            {
                if (i + 1 < word.Count && word[i] == first && word[i + 1] == second)
                {
                    merged.Add(first + second);
                    i += 2;
                }
                else
                {
                    merged.Add(word[i]);
                    i++;
                }
            }
            word = merged;
        }
        return word;
    }

    private static char[] BuildByteToSymbol()
    {
        var map = new char[256];
        var printable = new bool[256];
        foreach (var (from, to) in (ReadOnlySpan<(int, int)>)[('!', '~'), ('¡', '¬'), ('®', 'ÿ')])
            for (var b = from; b <= to; b++)
            {
                printable[b] = true;
                map[b] = (char)b;
            }
        var next = 0;
        for (var b = 0; b < 256; b++)
            if (!printable[b])
                map[b] = (char)(256 + next++);
        return map;
    }
}
