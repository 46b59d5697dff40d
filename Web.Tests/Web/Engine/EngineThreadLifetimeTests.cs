using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Clap2Diffusion.Tests.Web.Engine;

/// <summary>A web job leaves no tensor on the engine thread: every temporary was freed there, none left to the finaliser.</summary>
[Collection(SmokeEngineCollection.Name)]
public sealed class EngineThreadLifetimeTests(SmokeEngine engine)
{
    [Fact]
    public async Task Jobs_through_the_api_bring_the_engine_threads_live_tensors_back_to_baseline()
    {
        using var data = new TempFolder("engine-lifetimes");
        await using var factory = await new StudioFactory(data.Path, backend: null, new Dictionary<string, string?>
        {
            ["Engine:ModelFolder"] = engine.ModelFolder,
            ["Engine:Device"] = "cpu",
        })
        {
            EngineDoubles = services => services.AddSingleton<IGenerationBackend, EngineGenerationBackend>(),
        }.ReadyAsync();
        var client = factory.ClientFor("lifetimes");
        var engineThread = factory.Get<EngineThread>();

        // The first job loads the pipeline, whose weights stay live for the server's life.
        await RunAsync(client, Wav.Tone(), seed: 1);
        var baseline = await engineThread.LiveTensorCountAsync();
        await RunAsync(client, Wav.Tone(), seed: 2);
        var afterAudioJob = await engineThread.LiveTensorCountAsync();
        await RunAsync(client, audio: null, seed: 3);
        var afterTextJob = await engineThread.LiveTensorCountAsync();

        Assert.Equal([baseline, baseline], [afterAudioJob, afterTextJob]);
    }

    private static async Task RunAsync(HttpClient client, byte[]? audio, long seed)
    {
        var job = await client.QueueAsync("a dog barking in a park", audio, steps: 3, seed: seed);
        var status = await client.WaitForAsync(job);
        Assert.True(status.GetProperty("state").GetString() == "Completed", status.ToString());
    }
}
