using Clap2Diffusion.Engine.Tokenizers;

namespace Clap2Diffusion.Tests.Engine.Tokenizers;

public sealed class ByteLevelBpeTests(ClipTokenizerFixture fixture) : IClassFixture<ClipTokenizerFixture>
{
    private static readonly Lazy<(ByteLevelBpe Bpe, Dictionary<(string, string), int> Ranks)> Clip = new(() =>
    {
        var folder = TokenizerFolder.Open(Infrastructure.SharedData.PathOf("parity", "clip-tokenizer"));
        var merges = folder.ReadMerges();
        var ranks = new Dictionary<(string, string), int>();
        foreach (var pair in merges)
            ranks.TryAdd(pair, ranks.Count);
        return (new ByteLevelBpe(folder.ReadVocabulary(), merges, "</w>", 0), ranks);
    });

    [Fact]
    public void Byte_symbols_follow_gpt2_bytes_to_unicode()
    {
        Assert.Equal('!', ByteLevelBpe.SymbolOf((byte)'!'));
        Assert.Equal('Ā', ByteLevelBpe.SymbolOf(0));
        Assert.Equal('Ġ', ByteLevelBpe.SymbolOf((byte)' '));
        Assert.Equal('ÿ', ByteLevelBpe.SymbolOf(0xFF));
        Assert.Equal('Ń', ByteLevelBpe.SymbolOf(0xAD));
        Assert.Equal(256, Enumerable.Range(0, 256).Select(b => ByteLevelBpe.SymbolOf((byte)b)).Distinct().Count());
        Assert.Equal("Ã©", ByteLevelBpe.ToSymbols("é"));
    }

    [Fact]
    public void Merging_equals_the_reference_loop_on_random_words()
    {
        var (bpe, ranks) = Clip.Value;
        var random = new Random(20261125);
        const string letters = "aaabcdeeefghiiiklmnooprssttuy";
        for (var trial = 0; trial < 400; trial++)
        {
            var length = trial < 395 ? random.Next(1, 40) : random.Next(200, 600);
            var word = new string(Enumerable.Range(0, length).Select(_ => letters[random.Next(letters.Length)]).ToArray());
            Assert.Equal(ReferenceMerge(word, ranks), bpe.Merge(word));
        }
    }

    [Fact]
    public void Overlapping_occurrences_merge_left_to_right()
    {
        var bpe = new ByteLevelBpe(new Dictionary<string, int>(), [("a", "a")], "", 0);

        Assert.Equal(["aa", "a"], bpe.Merge("aaa"));
        Assert.Equal(["aa", "aa"], bpe.Merge("aaaa"));
    }

    [Fact]
    public void A_long_word_costs_little()
    {
        var word = new string(Enumerable.Range(0, 50_000).Select(i => (char)('a' + i * 7919 % 26)).ToArray());

        var ids = fixture.Tokenizer.Encode(word);

        Assert.Equal(49407, ids[^1]);
    }

    // openai/CLIP's loop, written plainly: the oracle for the queue-based implementation.
    private static List<string> ReferenceMerge(string symbols, Dictionary<(string, string), int> ranks)
    {
        var word = symbols.Select(c => c.ToString()).ToList();
        word[^1] += "</w>";
        while (word.Count > 1)
        {
            var pairs = Enumerable.Range(0, word.Count - 1).Select(i => (word[i], word[i + 1])).Where(ranks.ContainsKey).ToList();
            if (pairs.Count == 0)
                break;
            var (first, second) = pairs.MinBy(p => ranks[p]);
            var merged = new List<string>();
            for (var i = 0; i < word.Count; i++)
            {
                if (i + 1 < word.Count && word[i] == first && word[i + 1] == second)
                {
                    merged.Add(first + second);
                    i++;
                }
                else
                    merged.Add(word[i]);
            }
            word = merged;
        }
        return word;
    }
}
