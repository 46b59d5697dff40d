using System.Text;

namespace Clap2Diffusion.Engine.Tokenizers;

/// <summary>
/// CLIP's BPE tokenizer as openai/CLIP's <c>SimpleTokenizer</c> applies it (and transformers' slow
/// <c>CLIPTokenizer</c>, apart from the HTML unescaping noted below): the text is cleaned
/// (<see cref="Normalize"/>), split by <see cref="ClipPreTokenizer"/>, each piece byte-level BPE-encoded
/// with <c>&lt;/w&gt;</c> marking word ends, and framed as <c>[&lt;|startoftext|&gt;] + ids + [&lt;|endoftext|&gt;]</c>.
/// The literal strings <c>&lt;|startoftext|&gt;</c> and <c>&lt;|endoftext|&gt;</c> in a prompt become those
/// special ids. Stable Diffusion 1.5 pads with <c>&lt;|endoftext|&gt;</c> (49407); other folders may name
/// another pad token.
/// </summary>
public sealed class CLIPTokenizer : BytePairTokenizer
{
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    // transformers reads at most this many merges (49152 - 256 - 2), whatever the length of merges.txt.
    private const int MergeLimit = 48_894;

    private readonly ByteLevelBpe bpe;
    private readonly IReadOnlyDictionary<string, int> vocabulary;

    public CLIPTokenizer(IReadOnlyDictionary<string, int> vocabulary, IEnumerable<(string First, string Second)> merges,
        string padToken = EndOfText, int modelMaxLength = 77)
        : base(IdOf(vocabulary, StartOfText), IdOf(vocabulary, EndOfText), IdOf(vocabulary, padToken), modelMaxLength)
    {
        this.vocabulary = vocabulary;
        bpe = new ByteLevelBpe(vocabulary, merges, "</w>", unknownId: EosTokenId);
    }

    /// <summary>Reads a transformers/diffusers tokenizer folder (<c>vocab.json</c>, <c>merges.txt</c>, optional configs).</summary>
    public static CLIPTokenizer FromPretrained(string folder)
    {
        var files = TokenizerFolder.Open(folder);
        return new CLIPTokenizer(files.ReadVocabulary(), files.ReadMerges(MergeLimit),
            files.SpecialToken("pad_token", EndOfText), files.ModelMaxLength ?? 77);
    }

    /// <summary>
    /// The reference's cleaning: ftfy's rule-based fixes (<see cref="Ftfy"/>), Python's <c>html.unescape</c>
    /// twice (openai's <c>basic_clean</c>; transformers skips this step, which only matters for text with
    /// HTML entities that ftfy left alone), strip, whitespace runs to one space, Python's <c>lower()</c>.
    /// </summary>
    public static string Normalize(string text)
    {
        var cleaned = PythonText.Strip(PythonHtml.Unescape(PythonHtml.Unescape(Ftfy.FixText(text))));
        return PythonText.Lower(PythonText.Strip(CollapseSpaces(cleaned)));
    }

    protected override IReadOnlyList<int> TokenizeCore(string text, int limit)
    {
        var ids = new List<int>();
        foreach (var piece in ClipPreTokenizer.Split(Normalize(text)))
        {
            if (ids.Count >= limit)
                break;
            if (piece is StartOfText or EndOfText)
                ids.Add(vocabulary[piece]);
            else
                ids.AddRange(bpe.Encode(piece));
        }
        return ids;
    }

    private static string CollapseSpaces(string text)
    {
        var output = new StringBuilder(text.Length);
        var inRun = false;
        foreach (var c in text)
        {
            var space = PythonText.IsRegexSpace(c);
            if (!space)
                output.Append(c);
            else if (!inRun)
                output.Append(' ');
            inRun = space;
        }
        return output.ToString();
    }

    private static int IdOf(IReadOnlyDictionary<string, int> vocabulary, string token) =>
        vocabulary.TryGetValue(token, out var id)
            ? id
            : throw new InputException($"the CLIP vocabulary has no '{token}' token");
}
