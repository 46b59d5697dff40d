using System.Text.Json;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Tests.Engine.Pipelines;
using Clap2Diffusion.Tests.Infrastructure;

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
}
