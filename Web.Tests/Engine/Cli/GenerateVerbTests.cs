using System.Text.Json;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Tests.Engine.Pipelines;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Cli;

public sealed class GenerateVerbTests : IDisposable
{
    private readonly TinyPipelineFolder model = new(gate: 0.5f);
    private readonly TempFolder output = new("generate");

    public void Dispose()
    {
        model.Dispose();
        output.Dispose();
    }

    [Fact]
    public void A_pair_writes_both_images_and_one_json_object()
    {
        WavWriter.Write(output.File("clip.wav"), TinyPipelineFolder.Chord());

        var (code, stdout, stderr) = EngineCliTests.Run("generate", "--model", model.Root, "--prompt", "a red circle", "--audio", output.File("clip.wav"),
            "--pair", "--seed", "12", "--steps", "3", "--device", "cpu", "--out", output.File("image.png"));

        Assert.True(code == ExitCodes.Success, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(output.File("image.png"), root.GetProperty("out").GetString());
        Assert.Equal(output.File("image.text-only.png"), root.GetProperty("baseline_out").GetString());
        Assert.Equal(12, root.GetProperty("seed").GetInt64());
        Assert.Equal(3, root.GetProperty("steps").GetInt32());
        Assert.Equal(16, root.GetProperty("width").GetInt32());
        Assert.True(root.TryGetProperty("relation", out _));
        Assert.True(root.GetProperty("seconds").GetDouble() > 0);
        Assert.Contains("Condition: audio", PngReader.Read(output.File("image.png")).Text("parameters"));
        Assert.Contains("Condition: text-only", PngReader.Read(output.File("image.text-only.png")).Text("parameters"));
    }

    [Theory]
    [InlineData("--audio", "/no/such/file.wav")]
    [InlineData("--scheduler", "warp-drive")]
    [InlineData("--level-strengths", "1,2")]
    public void Bad_input_exits_2_with_a_message(string option, string value)
    {
        var (code, _, error) = EngineCliTests.Run("generate", "--model", model.Root, "--prompt", "x", option, value, "--out", output.File("x.png"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: ", error);
        Assert.False(File.Exists(output.File("x.png")));
    }

    [Fact]
    public void An_edit_starts_from_the_init_image_and_records_it()
    {
        File.WriteAllBytes(output.File("start.png"), TinyPng.Solid(40, 200, 30, 30));

        var (code, stdout, stderr) = EngineCliTests.Run("generate", "--model", model.Root, "--prompt", "a red circle", "--init-image", output.File("start.png"),
            "--strength", "0.5", "--seed", "4", "--steps", "4", "--device", "cpu", "--out", output.File("edit.png"));

        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Equal(16, JsonDocument.Parse(stdout).RootElement.GetProperty("width").GetInt32());
        var parameters = PngReader.Read(output.File("edit.png")).Text("parameters");
        Assert.Contains("Denoising strength: 0.5", parameters);
        Assert.Contains("Init image: start.png", parameters);
    }

    [Theory]
    [InlineData("0", "--strength: Strength must be more than 0 and at most 1")]
    [InlineData("1.5", "--strength: Strength must be more than 0 and at most 1")]
    [InlineData("-0.2", "--strength: Strength must be more than 0 and at most 1")]
    public void A_strength_outside_0_to_1_exits_2(string strength, string expected)
    {
        File.WriteAllBytes(output.File("start.png"), TinyPng.Solid(16, 1, 2, 3));

        var (code, _, error) = EngineCliTests.Run("generate", "--model", model.Root, "--prompt", "x", "--init-image", output.File("start.png"),
            "--strength", strength, "--out", output.File("x.png"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(expected, error);
        Assert.False(File.Exists(output.File("x.png")));
    }

    [Theory]
    [InlineData("text", "not a PNG or JPEG image")]
    [InlineData("huge", "megapixels are accepted")]
    [InlineData("missing", "image file not found")]
    public void A_bad_init_image_exits_2_with_a_message(string kind, string expected)
    {
        var path = output.File($"{kind}.png");
        if (kind == "text")
            File.WriteAllText(path, "this is a text file, not a picture\n");
        if (kind == "huge")
            File.WriteAllBytes(path, TinyPng.Claiming(20_000, 20_000));

        var (code, _, error) = EngineCliTests.Run("generate", "--model", model.Root, "--prompt", "x", "--init-image", path, "--out", output.File("x.png"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains(expected, error);
        Assert.False(File.Exists(output.File("x.png")));
    }
}
