namespace Clap2Diffusion.Engine.Tokenizers;

/// <summary>
/// What CLIP's and RoBERTa's tokenizers share: a text becomes <c>[begin] + pieces + [end]</c>; with
/// truncation the pieces are cut so the whole fits (the end token is kept); padding appends the pad token
/// and marks it 0 in the attention mask.
/// </summary>
public abstract class BytePairTokenizer
{
    // Tokenizing is quadratic in the length of one word; far beyond any prompt, refuse instead of stalling.
    public const int MaxTextLength = 100_000;

    protected BytePairTokenizer(int bosTokenId, int eosTokenId, int padTokenId, int modelMaxLength)
    {
        BosTokenId = bosTokenId;
        EosTokenId = eosTokenId;
        PadTokenId = padTokenId;
        ModelMaxLength = modelMaxLength;
    }

    public int BosTokenId { get; }

    public int EosTokenId { get; }

    public int PadTokenId { get; }

    /// <summary>The sequence length the model was trained with (77 for CLIP), the default for padding and truncation.</summary>
    public int ModelMaxLength { get; }

    /// <summary>The ids of the text's pieces, without begin/end tokens; stops once <paramref name="limit"/> ids are known.</summary>
    public IReadOnlyList<int> Tokenize(string text, int limit = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxTextLength)
            throw new InputException($"the text is {text.Length} characters long; the tokenizer accepts at most {MaxTextLength}");
        return TokenizeCore(text, limit);
    }

    /// <summary><c>[begin] + ids + [end]</c>, neither truncated nor padded.</summary>
    public long[] Encode(string text) => Frame(Tokenize(text), int.MaxValue);

    /// <summary>
    /// Each text truncated and padded to exactly <paramref name="length"/> ids (default
    /// <see cref="ModelMaxLength"/>), as <c>padding="max_length", truncation=True</c>: what Stable Diffusion
    /// feeds its text encoder.
    /// </summary>
    public TokenizedBatch EncodePadded(IReadOnlyList<string> texts, int? length = null)
    {
        var target = CheckLength(length ?? ModelMaxLength);
        return Pad(texts.Select(text => Frame(Tokenize(text, target - 2), target)).ToList(), target);
    }

    public TokenizedBatch EncodePadded(string text, int? length = null) => EncodePadded([text], length);

    /// <summary>
    /// Texts padded to the longest of them (<c>padding=True</c>); with <paramref name="truncateTo"/> each is
    /// first truncated to that many ids, end token kept.
    /// </summary>
    public TokenizedBatch EncodeLongest(IReadOnlyList<string> texts, int? truncateTo = null)
    {
        var limit = truncateTo is { } value ? CheckLength(value) : int.MaxValue;
        var rows = texts.Select(text => Frame(Tokenize(text, limit == int.MaxValue ? int.MaxValue : limit - 2), limit)).ToList();
        return Pad(rows, rows.Count == 0 ? 0 : rows.Max(row => row.Length));
    }

    protected abstract IReadOnlyList<int> TokenizeCore(string text, int limit);

    private long[] Frame(IReadOnlyList<int> ids, int maxLength)
    {
        var body = Math.Min(ids.Count, maxLength == int.MaxValue ? int.MaxValue : maxLength - 2);
        var framed = new long[body + 2];
        framed[0] = BosTokenId;
        for (var i = 0; i < body; i++)
            framed[i + 1] = ids[i];
        framed[^1] = EosTokenId;
        return framed;
    }

    private TokenizedBatch Pad(List<long[]> rows, int length)
    {
        var ids = new List<long[]>(rows.Count);
        var masks = new List<long[]>(rows.Count);
        foreach (var row in rows)
        {
            var padded = new long[length];
            var mask = new long[length];
            Array.Fill(padded, PadTokenId);
            row.CopyTo(padded, 0);
            Array.Fill(mask, 1L, 0, row.Length);
            ids.Add(padded);
            masks.Add(mask);
        }
        return new TokenizedBatch(ids, masks);
    }

    private static int CheckLength(int length) =>
        length >= 2 ? length : throw new InputException($"a token sequence needs room for its begin and end tokens; length {length} is too short");
}
