namespace Clap2Diffusion.Engine.Imaging.Png;

/// <summary>
/// A text chunk: a keyword and its value, stored as tEXt when Latin-1 allows it, otherwise iTXt (UTF-8);
/// <paramref name="International"/> asks for iTXt whatever the text.
/// </summary>
public sealed record PngText(string Keyword, string Text, bool International = false)
{
    public static bool IsLatin1(string text) => text.All(c => c <= '\u00FF');

    /// <summary>PNG keywords are 1-79 Latin-1 characters without a leading, trailing or doubled space.</summary>
    public static void ValidateKeyword(string keyword)
    {
        if (keyword.Length is < 1 or > 79 || !IsLatin1(keyword) || keyword.Contains('\0')
            || keyword.StartsWith(' ') || keyword.EndsWith(' ') || keyword.Contains("  "))
            throw new ArgumentException($"'{keyword}' is not a valid PNG text keyword", nameof(keyword));
    }
}
