namespace Clap2Diffusion.Engine.Tokenizers;

/// <summary>
/// What bytes 0x80 to 0x9F mean in Windows-1252, with the five bytes that code page leaves undefined
/// (0x81, 0x8D, 0x8F, 0x90, 0x9D) standing for themselves, as in ftfy's "sloppy" codec and in HTML5's
/// table for numeric character references.
/// </summary>
public static class Windows1252
{
    private const string HighControls =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
        "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    /// <summary>The character Windows-1252 gives the byte <paramref name="value"/> (0x80 to 0x9F).</summary>
    public static char C1(int value) => HighControls[value - 0x80];
}
