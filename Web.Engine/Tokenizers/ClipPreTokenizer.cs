namespace Clap2Diffusion.Engine.Tokenizers;

/// <summary>
/// CLIP's split of cleaned text into pieces, <c>regex.findall</c> with the case-insensitive pattern
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>.
/// At each position the first alternative that matches wins; every digit is a piece of its own; combining
/// marks are neither letters nor numbers and so join punctuation. Written as a scanner over code points
/// because .NET's regex sees a supplementary character as two surrogates, which are no <c>\p{L}</c>.
/// </summary>
public static class ClipPreTokenizer
{
    private static readonly string[] SpecialTokens = ["<|startoftext|>", "<|endoftext|>"];
    private static readonly string[] Contractions = ["s", "t", "re", "ve", "m", "ll", "d"];

    public static List<string> Split(string text)
    {
        var c = PythonText.CodePoints(text);
        var pieces = new List<string>();
        var i = 0;
        while (i < c.Length)
        {
            var length = MatchSpecial(c, i);
            if (length == 0 && c[i] == '\'')
                length = MatchContraction(c, i);
            if (length == 0 && PythonText.IsLetter(c[i]))
                length = RunLength(c, i, PythonText.IsLetter);
            if (length == 0 && PythonText.IsNumber(c[i]))
                length = 1;
            if (length == 0 && IsOther(c[i]))
                length = RunLength(c, i, IsOther);
            if (length == 0)
            {
                i++;
                continue;
            }
            pieces.Add(PythonText.FromCodePoints(c.AsSpan(i, length)));
            i += length;
        }
        return pieces;
    }

    private static bool IsOther(int c) => !PythonText.IsRegexSpace(c) && !PythonText.IsLetter(c) && !PythonText.IsNumber(c);

    private static int RunLength(int[] c, int start, Func<int, bool> member)
    {
        var end = start;
        while (end < c.Length && member(c[end]))
            end++;
        return end - start;
    }

    private static int MatchSpecial(int[] c, int at)
    {
        foreach (var special in SpecialTokens)
            if (MatchesIgnoringCase(c, at, special))
                return special.Length;
        return 0;
    }

    private static int MatchContraction(int[] c, int at)
    {
        foreach (var ending in Contractions)
            if (MatchesIgnoringCase(c, at + 1, ending))
                return 1 + ending.Length;
        return 0;
    }

    private static bool MatchesIgnoringCase(int[] c, int at, string pattern)
    {
        if (at + pattern.Length > c.Length)
            return false;
        for (var k = 0; k < pattern.Length; k++)
            if (SimpleFold(c[at + k]) != pattern[k])
                return false;
        return true;
    }

    // Simple case folding, enough for the ASCII letters of the pattern: the long s folds to s and the
    // Kelvin sign to k, so the regex module matches them too.
    private static int SimpleFold(int c) => c switch
    {
        >= 'A' and <= 'Z' => c + 32,
        0x017F => 's',
        0x212A => 'k',
        _ => c,
    };
}
