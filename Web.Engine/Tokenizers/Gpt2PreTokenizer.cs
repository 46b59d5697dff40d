namespace Clap2Diffusion.Engine.Tokenizers;

/// <summary>
/// GPT-2's split (also RoBERTa's), <c>regex.findall</c> with
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>, case-sensitive. A single
/// space joins the piece that follows it; of a longer whitespace run before a word, all but the last
/// character form a piece, so the word keeps its leading space. Digits group, unlike CLIP.
/// </summary>
public static class Gpt2PreTokenizer
{
    private static readonly string[] Contractions = ["s", "t", "re", "ve", "m", "ll", "d"];

    public static List<string> Split(string text)
    {
        var c = PythonText.CodePoints(text);
        var pieces = new List<string>();
        var i = 0;
        while (i < c.Length)
        {
            var length = Match(c, i);
            pieces.Add(PythonText.FromCodePoints(c.AsSpan(i, length)));
            i += length;
        }
        return pieces;
    }

    // Every position matches some alternative, so findall never skips text.
    private static int Match(int[] c, int at)
    {
        if (c[at] == '\'')
            foreach (var ending in Contractions)
                if (Matches(c, at + 1, ending))
                    return 1 + ending.Length;

        var start = c[at] == ' ' && at + 1 < c.Length ? at + 1 : at;
        foreach (var member in (ReadOnlySpan<Func<int, bool>>)[PythonText.IsLetter, PythonText.IsNumber, IsOther])
        {
            if (member(c[start]))
                return RunEnd(c, start, member) - at;
        }

        var end = RunEnd(c, at, PythonText.IsRegexSpace);
        return end == c.Length || end - at == 1 ? end - at : end - at - 1;
    }

    private static bool IsOther(int c) => !PythonText.IsRegexSpace(c) && !PythonText.IsLetter(c) && !PythonText.IsNumber(c);

    private static int RunEnd(int[] c, int start, Func<int, bool> member)
    {
        var end = start;
        while (end < c.Length && member(c[end]))
            end++;
        return end;
    }

    private static bool Matches(int[] c, int at, string pattern)
    {
        if (at + pattern.Length > c.Length)
            return false;
        for (var k = 0; k < pattern.Length; k++)
            if (c[at + k] != pattern[k])
                return false;
        return true;
    }
}
