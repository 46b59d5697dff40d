using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Demo.Build;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Demo;

/// <summary>The whole demo build on the smoke profile, once for the class: every stage runs and the export is a working model.</summary>
public sealed class SmokeDemoBuild : IDisposable
{
    private readonly TempFolder folder = new("demo-build");

    public SmokeDemoBuild()
    {
        Log = [];
        Stages = new DemoBuilder(DemoProfile.Smoke, Work, Output, 7, Log.Add, null).Run(null, CancellationToken.None);
    }

    public string Work => folder.File("work");

    public string Output => folder.File("out");

    public List<string> Log { get; }

    public IReadOnlyDictionary<string, double> Stages { get; }

    public void Dispose() => folder.Dispose();
}

public sealed class DemoBuildTests(SmokeDemoBuild build) : IClassFixture<SmokeDemoBuild>
{
    [Fact]
    public void Every_stage_runs_and_is_recorded_in_order()
    {
        Assert.Equal(DemoBuilder.Stages, build.Stages.Keys);
        Assert.All(build.Stages.Values, seconds => Assert.True(seconds >= 0));
        foreach (var part in new[] { "model_index.json", "unet", "vae", "text_encoder", "tokenizer", "scheduler", "clap", "adapters", "classifier", "README.md" })
            Assert.True(Path.Exists(Path.Combine(build.Output, part)), $"the export lacks {part}");
    }

    [Fact]
    public void The_export_is_float16_within_budget_and_its_adapters_name_the_exported_base()
    {
        var files = Directory.GetFiles(build.Output, "*.safetensors", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            using var weights = SafeTensorsFile.Open(file);
            Assert.All(weights.Names, name => Assert.NotEqual(TorchSharp.torch.ScalarType.Float32, weights.Load(name).dtype));
        }
        Assert.True(Directory.GetFiles(build.Output, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) <= DemoBuilder.MaxExportBytes);

        var metadata = AdapterFolder.ReadMetadata(Path.Combine(build.Output, "adapters"));
        var unet = Directory.GetFiles(Path.Combine(build.Output, "unet"), "*.safetensors").Single();
        Assert.Equal(ModelHash.OfFile(unet), metadata.BaseModelHash);
    }

    [Fact]
    public void The_exported_model_makes_a_same_seed_pair_from_a_world_clip()
    {
        using var pipeline = ClapDiffusionPipeline.Load(new PipelineOptions(build.Output));
        Assert.True(pipeline.HearsAudio);
        var clip = Directory.GetFiles(Path.Combine(build.Work, "world", "audio"), "*.wav").Order().First();
        var result = pipeline.Generate(new GenerationRequest
        {
            Settings = pipeline.Defaults with { Prompt = "a red circle", Steps = 3, Seed = 11 },
            Audio = new AudioInput(AudioDecoder.DecodeFile(clip), Path.GetFileName(clip)),
            Pair = true,
        });
        Assert.NotNull(result.Baseline);
        Assert.NotNull(result.Relation);
        Assert.Equal(64, result.Image.Width);
        Assert.Equal(result.Image.Pixels.Length, result.Baseline!.Pixels.Length);
    }

    [Fact]
    public void A_finished_build_resumes_to_nothing_and_an_unknown_stage_is_refused()
    {
        var log = new List<string>();
        var again = new DemoBuilder(DemoProfile.Smoke, build.Work, build.Output, 7, log.Add, null).Run(null, CancellationToken.None);
        Assert.Equal(build.Stages, again);
        Assert.Contains(log, line => line.Contains("every stage is done", StringComparison.Ordinal));
        var error = Assert.Throws<Clap2Diffusion.Engine.InputException>(() =>
            new DemoBuilder(DemoProfile.Smoke, build.Work, build.Output, 7, log.Add, null).Run("painting", CancellationToken.None));
        Assert.Contains("unknown stage", error.Message, StringComparison.Ordinal);
    }
}
