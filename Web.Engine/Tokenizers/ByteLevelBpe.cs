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

    /// <summary>
    /// The BPE tokens (strings) of a piece already written as byte symbols. Same result as the reference
    /// loop (find the lowest-ranked adjacent pair, merge all its occurrences left to right, repeat), but with
    /// a linked list and a priority queue, so a long word costs n·log n rather than n².
    /// </summary>
    public IReadOnlyList<string> Merge(string symbols)
    {
        var n = symbols.Length;
        if (n == 0)
            return [];
        var tokens = new string[n];
        var next = new int[n];
        var previous = new int[n];
        var alive = new bool[n];
        for (var i = 0; i < n; i++)
            (tokens[i], next[i], previous[i], alive[i]) = (symbols[i].ToString(), i + 1 < n ? i + 1 : -1, i - 1, true);
        tokens[n - 1] += endOfWord;

        // Candidates ordered by rank, then position: one pass of the reference loop is one run of equal ranks.
        var queue = new PriorityQueue<(int Node, string First, string Second), (int Rank, int Node)>();
        void Offer(int node)
        {
            if (node >= 0 && next[node] >= 0 && ranks.TryGetValue((tokens[node], tokens[next[node]]), out var rank))
                queue.Enqueue((node, tokens[node], tokens[next[node]]), (rank, node));
        }
        for (var i = 0; i + 1 < n; i++)
            Offer(i);

        var merged = new List<int>();
        while (queue.TryPeek(out _, out var head))
        {
            merged.Clear();
            while (queue.TryPeek(out var pair, out var priority) && priority.Rank == head.Rank)
            {
                queue.Dequeue();
                var node = pair.Node;
                // Skip candidates an earlier merge of this pass consumed or changed.
                if (!alive[node] || next[node] < 0 || tokens[node] != pair.First || tokens[next[node]] != pair.Second)
                    continue;
                var absorbed = next[node];
                tokens[node] = pair.First + pair.Second;
                alive[absorbed] = false;
                next[node] = next[absorbed];
                if (next[node] >= 0)
                    previous[next[node]] = node;
                merged.Add(node);
            }
            // Pairs formed by this pass compete only from the next pass on, as in the reference loop.
            foreach (var node in merged)
                if (alive[node])
                {
                    Offer(previous[node]);
                    Offer(node);
                }
        }

        var word = new List<string>();
        for (var node = 0; node >= 0; node = next[node])
            word.Add(tokens[node]);
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
