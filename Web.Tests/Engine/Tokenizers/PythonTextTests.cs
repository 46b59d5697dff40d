using Clap2Diffusion.Engine.Tokenizers;

namespace Clap2Diffusion.Tests.Engine.Tokenizers;

public sealed class PythonTextTests
{
    [Theory]
    [InlineData("İstanbul", "i\u0307stanbul")]
    [InlineData("ΣΟΦΟΣ", "σοφος")]
    [InlineData("ΟΔΟΣ ΣΟΦΟΣ.", "οδος σοφος.")]
    [InlineData("ΑΣ.Β", "ασ.β")]
    [InlineData("Σ", "σ")]
    [InlineData("ẞ STRASSE", "ß strasse")]
    [InlineData("Ω K", "ω k")]
    [InlineData("A PHOTO", "a photo")]
    public void Lower_follows_python(string text, string expected) => Assert.Equal(expected, PythonText.Lower(text));

    [Fact]
    public void Strip_uses_python_whitespace_which_includes_the_information_separators()
    {
        Assert.Equal("a", PythonText.Strip("\u001c\u00a0 a \u3000\u2028"));
        Assert.Equal("\u200ba", PythonText.Strip("\u200ba"));
        Assert.False(PythonText.IsRegexSpace(0x1C));
        Assert.True(PythonText.IsSpace(0x1C));
    }

    [Fact]
    public void Code_points_keep_supplementary_characters_whole()
    {
        Assert.Equal([0x20000, 'a'], PythonText.CodePoints("\U00020000a"));
        Assert.Equal("\U00020000a", PythonText.FromCodePoints([0x20000, 'a']));
    }
}
