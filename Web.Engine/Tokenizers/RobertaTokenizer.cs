namespace Clap2Diffusion.Engine.Tokenizers;

/// <summary>
/// RoBERTa's tokenizer (GPT-2's byte-level BPE), as LAION's CLAP text branch uses it: no normalisation,
/// <see cref="Gpt2PreTokenizer"/> pieces, no end-of-word marker (a leading space is part of a token, shown
/// as <c>Ġ</c>), framed as <c>&lt;s&gt; ... &lt;/s&gt;</c> and padded with <c>&lt;pad&gt;</c>. The special token
/// strings (<c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>, <c>&lt;pad&gt;</c>, <c>&lt;unk&gt;</c>, <c>&lt;mask&gt;</c>) written
/// in a text become their ids. CLAP truncates and pads to 77 tokens.
/// </summary>
public sealed class RobertaTokenizer : BytePairTokenizer
{
    private readonly ByteLevelBpe bpe;
    private readonly Dictionary<string, int> specialIds;
    private readonly bool addPrefixSpace;

    public RobertaTokenizer(IReadOnlyDictionary<string, int> vocabulary, IEnumerable<(string First, string Second)> merges,
        int modelMaxLength = 77, bool addPrefixSpace = false, string bosToken = "<s>", string eosToken = "</s>",
        string padToken = "<pad>", string unkToken = "<unk>", string maskToken = "<mask>")
        : base(IdOf(vocabulary, bosToken), IdOf(vocabulary, eosToken), IdOf(vocabulary, padToken), modelMaxLength)
    {
        UnkTokenId = IdOf(vocabulary, unkToken);
        specialIds = new[] { bosToken, eosToken, padToken, unkToken, maskToken }
            .Where(vocabulary.ContainsKey)
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(token => token, token => vocabulary[token], StringComparer.Ordinal);
        this.addPrefixSpace = addPrefixSpace;
        bpe = new ByteLevelBpe(vocabulary, merges, "", UnkTokenId);
    }

    public int UnkTokenId { get; }

    /// <summary>Reads a transformers tokenizer folder; truncation and padding default to <paramref name="modelMaxLength"/>, not the folder's 512.</summary>
    public static RobertaTokenizer FromPretrained(string folder, int modelMaxLength = 77)
    {
        var files = TokenizerFolder.Open(folder);
        return new RobertaTokenizer(files.ReadVocabulary(), files.ReadMerges(), modelMaxLength, files.AddPrefixSpace,
            files.SpecialToken("bos_token", "<s>"), files.SpecialToken("eos_token", "</s>"),
            files.SpecialToken("pad_token", "<pad>"), files.SpecialToken("unk_token", "<unk>"),
            files.SpecialToken("mask_token", "<mask>"));
    }

    /// <summary>
    /// RoBERTa's position ids for a padded row: 2, 3, ... on real tokens and the pad id (1) on padding,
    /// i.e. <c>cumsum(ids != pad) * (ids != pad) + pad</c>.
    /// </summary>
    public long[] PositionIds(long[] inputIds)
    {
        var positions = new long[inputIds.Length];
        long count = 0;
        for (var i = 0; i < inputIds.Length; i++)
        {
            var real = inputIds[i] != PadTokenId;
            if (real)
                count++;
            positions[i] = (real ? count : 0) + PadTokenId;
        }
        return positions;
    }

    protected override IReadOnlyList<int> TokenizeCore(string text, int limit)
    {
        if (addPrefixSpace && text.Length > 0 && !PythonText.IsSpace(text[0]))
            text = " " + text;
        var ids = new List<int>();
        var position = 0;
        while (position < text.Length && ids.Count < limit)
        {
            var (special, at) = NextSpecial(text, position);
            foreach (var piece in Gpt2PreTokenizer.Split(text[position..at]))
            {
                if (ids.Count >= limit)
                    break;
                ids.AddRange(bpe.Encode(piece));
            }
            if (special is null)
                break;
            ids.Add(specialIds[special]);
            position = at + special.Length;
        }
        return ids;
    }

    private (string? Token, int At) NextSpecial(string text, int from)
    {
        (string? Token, int At) first = (null, text.Length);
        foreach (var token in specialIds.Keys)
        {
            var at = text.IndexOf(token, from, StringComparison.Ordinal);
            if (at >= 0 && (at < first.At || (at == first.At && token.Length > first.Token!.Length)))
                first = (token, at);
        }
        return first;
    }

    private static int IdOf(IReadOnlyDictionary<string, int> vocabulary, string token) =>
        vocabulary.TryGetValue(token, out var id)
            ? id
            : throw new InputException($"the RoBERTa vocabulary has no '{token}' token");
}
