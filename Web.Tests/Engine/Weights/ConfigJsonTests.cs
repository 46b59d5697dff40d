using Clap2Diffusion.Engine.Weights;

namespace Clap2Diffusion.Tests.Engine.Weights;

public sealed class ConfigJsonTests
{
    private sealed record Sample(double lambda_min_clipped, double other, string text);

    [Fact]
    public void Bare_non_finite_literals_that_python_writes_are_accepted_outside_strings_only()
    {
        var sample = ConfigJson.Parse<Sample>(
            """{"lambda_min_clipped": -Infinity, "other": NaN, "text": "NaN stays -Infinity", "unknown_key": [1, 2]}""",
            "test");

        Assert.Equal(double.NegativeInfinity, sample.lambda_min_clipped);
        Assert.True(double.IsNaN(sample.other));
        Assert.Equal("NaN stays -Infinity", sample.text);
    }

    [Fact]
    public void Malformed_config_is_an_input_error_naming_the_file()
    {
        var error = Assert.Throws<Clap2Diffusion.Engine.InputException>(() => ConfigJson.Parse<Sample>("{oops", "unet/config.json"));

        Assert.Contains("unet/config.json", error.Message);
    }
}
