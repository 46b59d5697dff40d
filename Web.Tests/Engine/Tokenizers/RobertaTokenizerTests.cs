using System.Text.Json;
using Clap2Diffusion.Engine.Tokenizers;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Tokenizers;

public sealed class RobertaTokenizerTests : IDisposable
{
    // A small GPT-2-style vocabulary: RoBERTa's four specials first, then the 256 byte symbols, then merges.
    private static readonly (string First, string Second)[] Merges =
    [
        ("l", "l"), ("H", "e"), ("He", "ll"), ("Hell", "o"), ("Ġ", "w"), ("o", "r"), ("Ġw", "or"), ("Ġwor", "l"),
        ("Ġworl", "d"), ("'", "t"), ("2", "0"), ("20", "2"), ("Ġ", "Ġ"),
    ];

    private readonly TempFolder folder = new("roberta");
    private readonly Dictionary<string, int> vocabulary;
    private readonly RobertaTokenizer tokenizer;

    public RobertaTokenizerTests()
    {
        vocabulary = new Dictionary<string, int> { ["<s>"] = 0, ["<pad>"] = 1, ["</s>"] = 2, ["<unk>"] = 3 };
        for (var b = 0; b < 256; b++)
            vocabulary[ByteLevelBpe.SymbolOf((byte)b).ToString()] = vocabulary.Count;
        foreach (var (first, second) in Merges)
            vocabulary[first + second] = vocabulary.Count;
        vocabulary["<mask>"] = vocabulary.Count;

        File.WriteAllText(folder.File("vocab.json"), JsonSerializer.Serialize(vocabulary));
        File.WriteAllText(folder.File("merges.txt"), "#version: 0.2\n" + string.Join("\n", Merges.Select(m => $"{m.First} {m.Second}")) + "\n");
        tokenizer = RobertaTokenizer.FromPretrained(folder.Path);
    }

    public void Dispose() => folder.Dispose();

    private int Id(string token) => vocabulary[token];

    private int Byte(char c) => Id(c.ToString());

    [Theory]
    [InlineData("Hello world", new[] { "Hello", " world" })]
    [InlineData("Hello  world", new[] { "Hello", " ", " world" })]
    [InlineData("don't I'm we'd've", new[] { "don", "'t", " I", "'m", " we", "'d", "'ve" })]
    [InlineData("DON'T", new[] { "DON", "'", "T" })]
    [InlineData("year 2024, 3.5kg", new[] { "year", " 2024", ",", " 3", ".", "5", "kg" })]
    [InlineData("a\n\nb ", new[] { "a", "\n", "\n", "b", " " })]
    [InlineData(" !! x", new[] { " !!", " x" })]
    public void Splits_like_gpt2(string text, string[] pieces) => Assert.Equal(pieces, Gpt2PreTokenizer.Split(text));

    [Fact]
    public void Leading_space_tokens_and_merges()
    {
        Assert.Equal([0L, Id("Hello"), Id("Ġworld"), 2], tokenizer.Encode("Hello world"));
        Assert.Equal([0L, Id("Hello"), Id("Ġ"), Id("Ġworld"), 2], tokenizer.Encode("Hello  world"));
        Assert.Equal([0L, Byte('d'), Byte('o'), Byte('n'), Id("'t"), 2], tokenizer.Encode("don't"));
        Assert.Equal([0L, Id("202"), Byte('4'), 2], tokenizer.Encode("2024"));
    }

    [Fact]
    public void Text_is_not_lowercased_and_bytes_outside_ascii_use_their_symbols()
    {
        var ids = tokenizer.Encode("é");

        Assert.Equal([0L, Id(ByteLevelBpe.SymbolOf(0xC3).ToString()), Id(ByteLevelBpe.SymbolOf(0xA9).ToString()), 2], ids);
        Assert.NotEqual(tokenizer.Encode("Hello"), tokenizer.Encode("hello"));
    }

    [Fact]
    public void Special_token_strings_become_their_ids()
    {
        Assert.Equal([0L, Id("Hello"), 2, 1, Id("<mask>"), 2], tokenizer.Encode("Hello</s><pad><mask>"));
    }

    [Fact]
    public void Pads_to_77_with_the_pad_id_and_a_mask()
    {
        var batch = tokenizer.EncodePadded("Hello world");

        Assert.Equal(77, batch.Length);
        Assert.Equal([0L, Id("Hello"), Id("Ġworld"), 2, 1, 1], batch.InputIds[0][..6]);
        Assert.Equal(4, batch.AttentionMask[0].Sum());
        Assert.Equal([2L, 3, 4, 5, 1, 1], tokenizer.PositionIds(batch.InputIds[0])[..6]);
    }

    [Fact]
    public void Truncates_to_77_keeping_the_end_token()
    {
        var ids = tokenizer.EncodePadded(string.Concat(Enumerable.Repeat("Hello ", 200))).InputIds[0];

        Assert.Equal(77, ids.Length);
        Assert.Equal(0, ids[0]);
        Assert.Equal(2, ids[76]);
        Assert.DoesNotContain(1L, ids);
    }

    [Fact]
    public void Position_ids_and_mask_follow_the_clap_reference_rows()
    {
        using var io = SafeTensorsFile.Open(SharedData.PathOf("parity", "transformers", "clap_tiny", "io_text.safetensors"));
        using var inputIds = io.Load("input_ids");
        using var mask = io.Load("attention_mask");
        using var positions = io.Load("position_ids");
        for (var row = 0; row < inputIds.shape[0]; row++)
        {
            var ids = inputIds[row].data<long>().ToArray();
            Assert.Equal(positions[row].data<long>().ToArray(), tokenizer.PositionIds(ids));
            Assert.Equal(mask[row].data<long>().ToArray(), ids.Select(id => id == tokenizer.PadTokenId ? 0L : 1L).ToArray());
        }
    }

    [Fact]
    public void Prefix_space_from_the_folder_config_is_applied()
    {
        File.WriteAllText(folder.File("tokenizer_config.json"), """{"add_prefix_space": true, "model_max_length": 512}""");
        var prefixed = RobertaTokenizer.FromPretrained(folder.Path);

        Assert.Equal([0L, Id("Ġworld"), 2], prefixed.Encode("world"));
        Assert.Equal(77, prefixed.ModelMaxLength);
    }
}
