using Clap2Diffusion.Engine.Tokenizers;

namespace Clap2Diffusion.Tests.Engine.Tokenizers;

public sealed class PythonHtmlTests
{
    [Theory]
    [InlineData("rock &amp; roll", "rock & roll")]
    [InlineData("fish &amp chips", "fish & chips")]
    [InlineData("&copy2024", "©2024")]
    [InlineData("&notit;", "¬it;")]
    [InlineData("&amp;amp;", "&amp;")]
    [InlineData("it&#39;s &#x27;", "it's '")]
    [InlineData("&#128512;", "😀")]
    [InlineData("&#x80;&#150;", "€–")]
    [InlineData("&#0;&#13;", "\uFFFD\r")]
    [InlineData("a&#1;b&#xFFFF;c", "abc")]
    [InlineData("&#99999999999999999999;&#xD800;", "\uFFFD\uFFFD")]
    [InlineData("&lang;&rang;&apos;", "⟨⟩'")]
    [InlineData("&unknownentity; AT&T &#; &#x;", "&unknownentity; AT&T &#; &#x;")]
    public void Unescape_follows_python(string text, string expected) => Assert.Equal(expected, PythonHtml.Unescape(text));

    [Fact]
    public void The_entity_table_holds_html4_plus_apos_and_the_capital_legacy_names()
    {
        Assert.Equal(252 + 1 + 6, HtmlEntities.ByName.Count);
        Assert.Equal(106, HtmlEntities.WithoutSemicolon.Count);
        Assert.Contains("AMP", HtmlEntities.WithoutSemicolon);
        Assert.DoesNotContain("hellip", HtmlEntities.WithoutSemicolon);
    }
}
