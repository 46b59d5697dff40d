namespace Clap2Diffusion.Engine.Tokenizers;

/// <summary>
/// Learns byte-pair merges from a corpus of pre-tokenised pieces (Sennrich et al. 2016): repeatedly merge the most
/// frequent adjacent pair of symbols, weighting each distinct piece by its count. Ties go to the ordinally smaller
/// pair so the result never depends on dictionary order. Used to make the vocabularies of the demo's small text
/// encoders; the files it writes are read by the same tokenizers as published checkpoints.
/// </summary>
public static class BpeTrainer
{
    /// <param name="pieces">Each distinct piece as its initial symbols, with how often it occurs.</param>
    public static List<(string First, string Second)> LearnMerges(IReadOnlyDictionary<string, (List<string> Symbols, int Count)> pieces,
        int maxMerges, int minFrequency = 2)
    {
        var words = pieces.Values.Select(p => (Symbols: new List<string>(p.Symbols), p.Count)).ToList();
        var merges = new List<(string, string)>();
        while (merges.Count < maxMerges)
        {
            var counts = new Dictionary<(string, string), long>();
            foreach (var (symbols, count) in words)
                for (var i = 0; i + 1 < symbols.Count; i++)
                {
                    var pair = (symbols[i], symbols[i + 1]);
                    counts[pair] = counts.GetValueOrDefault(pair) + count;
                }
            if (counts.Count == 0)
                break;
            var best = counts.OrderByDescending(kv => kv.Value)
                .ThenBy(kv => kv.Key.Item1, StringComparer.Ordinal).ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal).First();
            if (best.Value < minFrequency)
                break;
            var (first, second) = best.Key;
            merges.Add((first, second));
            foreach (var (symbols, _) in words)
                for (var i = 0; i + 1 < symbols.Count; i++)
                    if (symbols[i] == first && symbols[i + 1] == second)
                    {
                        symbols[i] = first + second;
                        symbols.RemoveAt(i + 1);
                    }
        }
        return merges;
    }

    /// <summary>The 256 byte symbols in GPT-2's <c>bytes_to_unicode</c> order (printable ranges first), as vocabularies list them.</summary>
    public static IEnumerable<string> ByteSymbols()
    {
        static bool Printable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
        foreach (var b in Enumerable.Range(0, 256).Where(Printable))
            yield return ByteLevelBpe.SymbolOf((byte)b).ToString();
        foreach (var b in Enumerable.Range(0, 256).Where(b => !Printable(b)))
            yield return ByteLevelBpe.SymbolOf((byte)b).ToString();
    }
}
