using System.Net;
using System.Text.Json;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Clap2Diffusion.Tests.Web.Engine;

/// <summary>An edit pair through the API on the real engine with the demo model (tiny random models classify no relation, so make no pair).</summary>
public sealed class EditPairEngineTests : IDisposable
{
    private readonly TempFolder data = new("edit-pair-engine");

    [Fact]
    public async Task Both_images_of_an_edit_pair_record_the_starting_image_and_the_strength()
    {
        await using var factory = await new StudioFactory(data.Path, backend: null, new Dictionary<string, string?>
        {
            ["Engine:ModelFolder"] = EmbeddedModel.Require(null),
            ["Engine:Device"] = "cpu",
        })
        {
            EngineDoubles = services => services.AddSingleton<IGenerationBackend, EngineGenerationBackend>(),
        }.ReadyAsync();
        using var client = factory.ClientFor("engine-editor");

        using var response = await client.SubmitEditAsync("a red circle", TinyPng.Solid(40, 200, 30, 30), "0.5", Wav.Tone(0.5),
            new Dictionary<string, string> { ["steps"] = "4", ["seed"] = "8" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await client.WaitForAsync(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetGuid());

        Assert.True(job.GetProperty("state").GetString() == "Completed", job.ToString());
        var hash = job.GetProperty("settings").GetProperty("initImage").GetString();
        var images = job.GetProperty("images");
        foreach (var (url, condition) in new[] { (images.GetProperty("textOnlyUrl").GetString(), "text-only"), (images.GetProperty("audioConditionedUrl").GetString(), "audio") })
        {
            var parameters = PngReader.Parse(await client.GetByteArrayAsync(url)).Text("parameters");
            Assert.Contains($"Init image: {hash}", parameters);
            Assert.Contains("Denoising strength: 0.5", parameters);
            Assert.Contains("Seed: 8", parameters);
            Assert.Contains($"Condition: {condition}", parameters);
        }
        var stages = job.GetProperty("timings").GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString());
        Assert.Contains("decode audio and image", stages);
    }

    public void Dispose() => data.Dispose();
}
