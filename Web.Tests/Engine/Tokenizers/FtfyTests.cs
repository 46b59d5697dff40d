using Clap2Diffusion.Engine.Tokenizers;

namespace Clap2Diffusion.Tests.Engine.Tokenizers;

public sealed class FtfyTests
{
    [Theory]
    [InlineData("P&EACUTE;REZ &SZLIG;", "PÉREZ SS")]
    [InlineData("&amp; &lt;tag&gt;", "& <tag>")]
    [InlineData("&amp &#59; &#x27;", "&amp &#59; '")]
    [InlineData("&ntilde; &Ntilde; &NTILDE; &nTILDE;", "ñ Ñ Ñ &nTILDE;")]
    public void Unescape_decodes_only_closed_references(string text, string expected) =>
        Assert.Equal(expected, Ftfy.UnescapeHtml(text));

    [Theory]
    [InlineData("&amp;\n<b>&amp;</b>\n&amp;", "&\n<b>&amp;</b>\n&amp;")]
    [InlineData("\uFB01ne \uFB02owers \u01C5", "fine flowers D\u017E")]
    [InlineData("\uFF21\uFF22\uFF23\uFF01\u3000\uFF76\uFF80", "ABC! \u30AB\u30BF")]
    [InlineData("\u201Cquoted\u201D it\u2019s \u201Elow\u201C", "\"quoted\" it's \"low\"")]
    [InlineData("a\r\nb\rc\u2028d\u2029e", "a\nb\nc\nd\ne")]
    [InlineData("c1 \u0080 next\u0085line \u0081", "c1 \u20AC next\u2026line \u0081")]
    [InlineData("\u001b[31mred\u001b[0m", "red")]
    [InlineData("\uFEFFnull\u0000 bell\u0007 vt\u000b fs\u001c del\u007f", "null bell vt fs del")]
    [InlineData("tab\tff\u000c zw\u200b\u200d soft\u00ad wj\u2060", "tab\tff\u000c zw\u200b\u200d soft\u00ad wj\u2060")]
    [InlineData("cafe\u0301", "caf\u00e9")]
    public void Fix_text_applies_the_rule_based_fixes(string text, string expected) =>
        Assert.Equal(expected, Ftfy.FixText(text));

    [Fact]
    public void Unpaired_surrogates_become_replacement_characters()
    {
        // Built at run time: attribute arguments cannot carry an unpaired surrogate.
        var text = "a" + (char)0xD800 + "b\U0001F600";
        Assert.Equal("a\uFFFDb\U0001F600", Ftfy.FixText(text));
    }

    [Fact]
    public void Mojibake_is_left_as_it_is()
    {
        Assert.Equal("caf\u00c3\u00a9", Ftfy.FixText("caf\u00c3\u00a9"));
    }
}
