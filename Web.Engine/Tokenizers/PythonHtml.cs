using System.Text.RegularExpressions;

namespace Clap2Diffusion.Engine.Tokenizers;

/// <summary>
/// Python's <c>html.unescape</c>: HTML5's rules for numeric references (Windows-1252 for 0x80 to 0x9F,
/// U+FFFD for surrogates, NUL and out-of-range numbers, nothing for the other forbidden code points) and
/// for named ones, including names written without the semicolon and the longest-prefix rule
/// (<c>&amp;copy2024</c> is <c>©2024</c>). Named entities are those of <see cref="HtmlEntities"/>.
/// </summary>
public static partial class PythonHtml
{
    [GeneratedRegex("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)", RegexOptions.CultureInvariant)]
    private static partial Regex CharacterReference();

    public static string Unescape(string text) =>
        text.Contains('&') ? CharacterReference().Replace(text, match => Replace(match.Groups[1].Value)) : text;

    // The character a numeric reference stands for under HTML5's rules.
    private static string FromNumber(string digits, bool hexadecimal)
    {
        var value = ParseBounded(digits, hexadecimal);
        if (value is >= 0x80 and <= 0x9F)
            return Windows1252.C1(value).ToString();
        return value switch
        {
            0x00 => "\uFFFD",
            0x0D => "\r",
            >= 0xD800 and <= 0xDFFF or > 0x10FFFF => "\uFFFD",
            _ when IsForbidden(value) => "",
            _ => char.ConvertFromUtf32(value),
        };
    }

    private static string Replace(string reference)
    {
        if (reference[0] == '#')
        {
            var hexadecimal = reference.Length > 1 && reference[1] is 'x' or 'X';
            var digits = reference[(hexadecimal ? 2 : 1)..].TrimEnd(';');
            return FromNumber(digits, hexadecimal);
        }
        if (reference.EndsWith(';') && HtmlEntities.ByName.TryGetValue(reference[..^1], out var value))
            return value;
        for (var length = reference.Length - (reference.EndsWith(';') ? 1 : 0); length >= 2; length--)
            if (HtmlEntities.WithoutSemicolon.Contains(reference[..length]))
                return HtmlEntities.ByName[reference[..length]] + reference[length..];
        return "&" + reference;
    }

    // Python's int() has no upper bound; anything past Unicode's range behaves alike, so saturate there.
    private static int ParseBounded(string digits, bool hexadecimal)
    {
        long value = 0;
        foreach (var digit in digits)
        {
            value = value * (hexadecimal ? 16 : 10) + (char.IsAsciiDigit(digit) ? digit - '0' : (digit | 0x20) - 'a' + 10);
            if (value > 0x10FFFF)
                return 0x110000;
        }
        return (int)value;
    }

    private static bool IsForbidden(int c) =>
        c is >= 0x01 and <= 0x08 or 0x0B or >= 0x0E and <= 0x1F or >= 0x7F and <= 0x9F or >= 0xFDD0 and <= 0xFDEF
        || (c & 0xFFFE) == 0xFFFE;
}
