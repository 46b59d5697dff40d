using Clap2Diffusion.Server.Uploads;

namespace Clap2Diffusion.Tests.Web.Server;

public sealed class SafeFileNameTests
{
    [Theory]
    [InlineData("rain.wav", "rain.wav")]
    [InlineData("C:\\Users\\me\\Music\\rain.wav", "rain.wav")]
    [InlineData("/tmp/../rain.wav", "rain.wav")]
    [InlineData("rain\u0000\u0007.wav", "rain__.wav")]
    [InlineData("  .hidden.wav  ", "hidden.wav")]
    [InlineData("", "fallback.wav")]
    [InlineData(null, "fallback.wav")]
    [InlineData("***", "fallback.wav")]
    [InlineData("pluie d'été — 1.wav", "pluie d'été — 1.wav")]
    public void Names_keep_only_what_is_safe_to_show(string? raw, string expected) =>
        Assert.Equal(expected, SafeFileName.From(raw, "fallback.wav"));

    [Fact]
    public void Long_names_are_shortened()
    {
        Assert.Equal(SafeFileName.MaxLength, SafeFileName.From(new string('a', 500) + ".wav", "x").Length);
    }
}
