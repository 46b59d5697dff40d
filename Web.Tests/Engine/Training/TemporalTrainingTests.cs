using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training;
using Clap2Diffusion.Engine.Training.Cache;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Engine.Pipelines;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Training;

public sealed class TemporalTrainingTests : IClassFixture<TemporalTrainingTests.Data>
{
    public sealed class Data : IDisposable
    {
        public TinyPipelineFolder Model { get; } = new();
        public AudioCapsFixture Dataset { get; } = new(rows: 4);
        public void Dispose()
        {
            Model.Dispose();
            Dataset.Dispose();
        }
    }

    private readonly Data data;

    public TemporalTrainingTests(Data data) => this.data = data;

    [Fact]
    public void Stage_one_caches_the_frames_beside_the_embeddings_and_trains_the_branch()
    {
        using var run = new TempFolder("train-temporal");
        var configPath = Path.Combine(run.Path, "adapter_config.json");
        PretrainedWriter.WriteJson(configPath, new V4AdapterConfig
        {
            ProjectorDim = 8, ProjectorHeads = 2, AdapterHeads = 2, GateActivation = "sigmoid",
            Temporal = true, TemporalChannels = 4, TemporalKernels = [3, 5], TemporalDilations = [1, 4],
        });
        var settings = new AdapterTrainingSettings
        {
            Dataset = data.Dataset.Root, Model = data.Model.Root, AdapterConfig = configPath, Output = Path.Combine(run.Path, "out"),
            Cache = Path.Combine(run.Path, "cache"), Steps = 3, BatchSize = 2, LearningRate = 1e-2, WarmupSteps = 0,
            SampleEvery = 1000, SamplePairs = 0, Seed = 3,
        };

        var outcome = AdapterTrainer.Run(settings, ComputeTarget.Cpu);

        Assert.True(outcome.Completed);
        // The branch reads the CLAP's own frame width (the tiny CLAP's HTSAT is 128 wide), whatever the file said.
        var saved = ConfigJson.Read<V4AdapterConfig>(Path.Combine(outcome.AdaptersFolder, AdapterFolder.ConfigFile));
        Assert.Equal(128, saved.TemporalDim);
        using (var weights = SafeTensorsFile.Open(Path.Combine(outcome.AdaptersFolder, AdapterFolder.WeightsFile)))
        using (var projection = weights.Load("audio_encoder.temporal.proj_out.weight"))
            Assert.True(projection.abs().max().item<float>() > 0, "stage 1 left the branch's output projection at zero");
        var shards = Directory.GetFiles(Path.Combine(run.Path, "cache"), "shard-*.safetensors", SearchOption.AllDirectories);
        using var shard = SafeTensorsFile.Open(Assert.Single(shards));
        var frames = shard.Names.Where(n => n.EndsWith($".{FeatureCache.ClapFramesKey}", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, frames.Count);
        Assert.All(frames, name => Assert.Equal(new long[] { 1, 128, 32 }, shard.Info(name).Shape));
    }
}
