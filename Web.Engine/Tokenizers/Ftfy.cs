using System.Text;
using System.Text.RegularExpressions;

namespace Clap2Diffusion.Engine.Tokenizers;

/// <summary>
/// The documented, rule-based fixes of ftfy 6.3.1's <c>fix_text</c> with its default settings, which the
/// CLIP tokenizer applies first. Per line: unescape HTML entities (not in a line holding <c>&lt;</c>, nor in
/// any later line), turn C1 controls into their Windows-1252 characters, split Latin ligatures, fold
/// fullwidth/halfwidth forms, straighten curly quotes, unify line breaks, repair surrogates, drop terminal
/// escapes and invisible control characters, then NFC; repeated until nothing changes.
/// Not reproduced: <c>fix_encoding</c>'s mojibake repair (re-decoding text that was read in the wrong code
/// page), which rests on a statistical "badness" heuristic rather than a rule; and the HTML5 entity names
/// beyond those of <see cref="HtmlEntities"/>.
/// </summary>
public static partial class Ftfy
{
    // Named HTML entities ftfy decodes: HTML's own with a semicolon, plus capitalised forms of the lower-case
    // ones whose capital spelling is no entity of its own (&EACUTE; is É, &SZLIG; is SS).
    private static readonly Dictionary<string, string> Entities = BuildEntities();

    private static readonly Dictionary<int, string> Ligatures = new()
    {
        [0x0132] = "IJ", [0x0133] = "ij", [0x0149] = "\u02BCn", [0x01F1] = "DZ", [0x01F2] = "Dz", [0x01F3] = "dz",
        [0x01C4] = "D\u017D", [0x01C5] = "D\u017E", [0x01C6] = "d\u017E", [0x01C7] = "LJ", [0x01C8] = "Lj",
        [0x01C9] = "lj", [0x01CA] = "NJ", [0x01CB] = "Nj", [0x01CC] = "nj", [0xFB00] = "ff", [0xFB01] = "fi",
        [0xFB02] = "fl", [0xFB03] = "ffi", [0xFB04] = "ffl", [0xFB05] = "\u017Ft", [0xFB06] = "st",
    };

    [GeneratedRegex("&#?[0-9A-Za-z]{1,24};", RegexOptions.CultureInvariant)]
    private static partial Regex EntityReference();

    [GeneratedRegex("\u001b\\[((?:\\d|;)*)([a-zA-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex TerminalEscape();

    public static string FixText(string text)
    {
        var output = new StringBuilder(text.Length);
        var unescapeHtml = true;
        var position = 0;
        while (position < text.Length)
        {
            var lineBreak = text.IndexOf('\n', position);
            var end = lineBreak < 0 ? text.Length : lineBreak + 1;
            var segment = text[position..end];
            if (segment.Contains('<'))
                unescapeHtml = false;
            output.Append(FixSegment(segment, unescapeHtml));
            position = end;
        }
        return output.ToString();
    }

    private static string FixSegment(string text, bool unescapeHtml)
    {
        while (true)
        {
            var original = text;
            if (unescapeHtml)
                text = UnescapeHtml(text);
            text = FixC1Controls(text);
            text = Translate(text, c => Ligatures.GetValueOrDefault(c));
            text = Translate(text, NormalWidth);
            text = UncurlQuotes(text);
            text = text.Replace("\r\n", "\n").Replace('\r', '\n').Replace('\u2028', '\n').Replace('\u2029', '\n').Replace('\u0085', '\n');
            text = FixSurrogates(text);
            text = TerminalEscape().Replace(text, "");
            text = Translate(text, c => IsInvisibleControl(c) ? "" : null);
            text = text.Normalize(NormalizationForm.FormC);
            if (text == original)
                return text;
        }
    }

    /// <summary>ftfy's <c>unescape_html</c>: only references closed by a semicolon, and numeric ones only when that semicolon is consumed.</summary>
    public static string UnescapeHtml(string text) => EntityReference().Replace(text, match =>
    {
        var reference = match.Value;
        if (Entities.TryGetValue(reference, out var value))
            return value;
        if (!reference.StartsWith("&#", StringComparison.Ordinal))
            return reference;
        var unescaped = PythonHtml.Unescape(reference);
        return unescaped.Contains(';') ? reference : unescaped;
    });

    private static string FixC1Controls(string text)
    {
        if (!text.Any(c => c is >= '\u0080' and <= '\u009F'))
            return text;
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (chars[i] is >= '\u0080' and <= '\u009F')
                chars[i] = Windows1252.C1(chars[i]);
        return new string(chars);
    }

    // U+3000 becomes a space; U+FF01 to U+FFEF become what NFKC makes of them (fullwidth Latin, halfwidth kana).
    private static string? NormalWidth(int c)
    {
        if (c == 0x3000)
            return " ";
        if (c is < 0xFF01 or > 0xFFEF)
            return null;
        var original = ((char)c).ToString();
        var folded = original.Normalize(NormalizationForm.FormKC);
        return folded == original ? null : folded;
    }

    private static string UncurlQuotes(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is '\u02BC' or >= '\u2018' and <= '\u201B')
                chars[i] = '\'';
            else if (chars[i] is >= '\u201C' and <= '\u201F')
                chars[i] = '"';
        }
        return new string(chars);
    }

    private static string FixSurrogates(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
                i++;
            else if (char.IsSurrogate(chars[i]))
                chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    // Controls with no visible effect that ftfy deletes. Tab, line feed, form feed, carriage return, the C1
    // range, zero-width (non-)joiners, bidi marks, the soft hyphen and U+2060 are deliberately kept.
    private static bool IsInvisibleControl(int c) =>
        c is >= 0x00 and <= 0x08 or 0x0B or >= 0x0E and <= 0x1F or 0x7F or >= 0x206A and <= 0x206F or 0xFEFF
            or >= 0xFFF9 and <= 0xFFFC;

    // Replaces each code point for which map returns text; null keeps it.
    private static string Translate(string text, Func<int, string?> map)
    {
        var output = new StringBuilder(text.Length);
        var changed = false;
        foreach (var c in PythonText.CodePoints(text))
        {
            var replacement = map(c);
            if (replacement is null)
                PythonText.AppendCodePoint(output, c);
            else
            {
                output.Append(replacement);
                changed = true;
            }
        }
        return changed ? output.ToString() : text;
    }

    private static Dictionary<string, string> BuildEntities()
    {
        var entities = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in HtmlEntities.ByName)
            entities["&" + name + ";"] = value;
        foreach (var (name, value) in HtmlEntities.ByName)
        {
            var upper = name.ToUpperInvariant();
            var reference = "&" + upper + ";";
            if (name == name.ToLowerInvariant() && upper != name && PythonHtml.Unescape(reference) == reference)
                entities.TryAdd(reference, value == "ß" ? "SS" : value.ToUpperInvariant());
        }
        return entities;
    }
}
