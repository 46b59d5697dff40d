using System.Globalization;
using System.Text;

namespace Clap2Diffusion.Engine.Tokenizers;

/// <summary>
/// Python string semantics the reference tokenizers depend on and .NET spells differently:
/// <c>str.lower()</c> (full case mapping with the final-sigma rule), <c>str.isspace()</c>/<c>str.strip()</c>,
/// and the whitespace class <c>\s</c> of the <c>regex</c> module.
/// </summary>
public static class PythonText
{
    private const int CapitalSigma = 0x03A3;

    /// <summary>
    /// Python's <c>str.lower()</c>. .NET's invariant lowering maps one code point to one and knows no context,
    /// so <c>İ</c> would become <c>i</c> (Python: <c>i</c> + U+0307) and a word-final <c>Σ</c> would become <c>σ</c>
    /// (Python: <c>ς</c>). Those are the only differences: every other special-casing lowercase rule is
    /// language-specific and Python ignores it.
    /// </summary>
    public static string Lower(string text)
    {
        var codePoints = CodePoints(text);
        var output = new StringBuilder(text.Length);
        for (var i = 0; i < codePoints.Length; i++)
        {
            var c = codePoints[i];
            if (c == 0x0130)
                output.Append("i\u0307");
            else if (c == CapitalSigma)
                output.Append(IsFinalSigma(codePoints, i) ? 'ς' : 'σ');
            else
                output.Append(Rune.ToLowerInvariant(new Rune(c)).ToString());
        }
        return output.ToString();
    }

    /// <summary>Python's <c>str.isspace()</c> for one code point: the regex <c>\s</c> set plus U+001C to U+001F.</summary>
    public static bool IsSpace(int c) => IsRegexSpace(c) || c is >= 0x1C and <= 0x1F;

    /// <summary>
    /// <c>\s</c> of the <c>regex</c> module: the 25 Unicode White_Space code points. .NET's <c>\s</c> is the same set.
    /// </summary>
    public static bool IsRegexSpace(int c) => c switch
    {
        >= 0x09 and <= 0x0D or 0x20 or 0x85 or 0xA0 or 0x1680 => true,
        >= 0x2000 and <= 0x200A or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    /// <summary>Python's <c>str.strip()</c> with no argument.</summary>
    public static string Strip(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsSpace(text[start]))
            start++;
        while (end > start && IsSpace(text[end - 1]))
            end--;
        return text[start..end];
    }

    /// <summary>The text's code points; an unpaired surrogate stands for itself, as in a Python string.</summary>
    public static int[] CodePoints(string text)
    {
        var result = new List<int>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Add(char.ConvertToUtf32(text[i], text[i + 1]));
                i++;
            }
            else
                result.Add(text[i]);
        }
        return [.. result];
    }

    public static string FromCodePoints(ReadOnlySpan<int> codePoints)
    {
        var output = new StringBuilder(codePoints.Length);
        foreach (var c in codePoints)
            AppendCodePoint(output, c);
        return output.ToString();
    }

    public static void AppendCodePoint(StringBuilder output, int c)
    {
        if (c < 0x10000)
            output.Append((char)c);
        else
            output.Append(char.ConvertFromUtf32(c));
    }

    public static UnicodeCategory Category(int c) =>
        c is >= 0xD800 and <= 0xDFFF ? UnicodeCategory.Surrogate : CharUnicodeInfo.GetUnicodeCategory(c);

    public static bool IsLetter(int c) => Category(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
        or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter;

    public static bool IsNumber(int c) => Category(c) is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber
        or UnicodeCategory.OtherNumber;

    // Unicode's Final_Sigma context: a cased letter before (skipping case-ignorable ones) and none after.
    private static bool IsFinalSigma(int[] codePoints, int at)
    {
        var j = at - 1;
        while (j >= 0 && IsCaseIgnorable(codePoints[j]))
            j--;
        if (j < 0 || !IsCased(codePoints[j]))
            return false;
        j = at + 1;
        while (j < codePoints.Length && IsCaseIgnorable(codePoints[j]))
            j++;
        return j == codePoints.Length || !IsCased(codePoints[j]);
    }

    // Cased = Lowercase, Uppercase or Lt. Letters of other categories that carry a case mapping (circled
    // letters, Roman numerals) and the two Latin ordinal indicators cover the Other_Lowercase/Uppercase
    // code points outside the modifier letters, which are case-ignorable anyway.
    private static bool IsCased(int c)
    {
        if (Category(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter)
            return true;
        if (c is 0xAA or 0xBA)
            return true;
        if (c is >= 0xD800 and <= 0xDFFF)
            return false;
        var rune = new Rune(c);
        return Rune.ToLowerInvariant(rune) != rune || Rune.ToUpperInvariant(rune) != rune;
    }

    // Case_Ignorable = Mn, Me, Cf, Lm, Sk, or Word_Break MidLetter / MidNumLet / Single_Quote.
    private static bool IsCaseIgnorable(int c) =>
        Category(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
        || c is '\'' or '.' or ':' or 0xB7 or 0x0387 or 0x055F or 0x05F4 or 0x2018 or 0x2019 or 0x2024 or 0x2027
            or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A;
}
