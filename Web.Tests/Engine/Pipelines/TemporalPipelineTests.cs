using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Pipelines;

/// <summary>The temporal branch through the whole pipeline, on the tiny model folder with trained (open) gates.</summary>
public sealed class TemporalPipelineTests : IClassFixture<TemporalPipelineTests.Model>
{
    public sealed class Model : IDisposable
    {
        public TinyPipelineFolder Folder { get; } = new(gate: 0.8f);
        public void Dispose() => Folder.Dispose();
    }

    // The shared tiny CLAP's HTSAT is 128 wide.
    private const int TinyClapFrameWidth = 128;

    private readonly TinyPipelineFolder model;

    public TemporalPipelineTests(Model fixture) => model = fixture.Folder;

    /// <summary>The tiny model's adapters again with a temporal branch, every shared weight copied; proj_out randomised when asked.</summary>
    private string WithTemporalBranch(string name, int frameWidth, bool trained)
    {
        var source = Path.Combine(model.Root, "adapters");
        var target = Path.Combine(model.Root, name);
        var metadata = AdapterFolder.ReadMetadata(source);
        var config = ConfigJson.Read<V4AdapterConfig>(Path.Combine(source, AdapterFolder.ConfigFile))
            with { Temporal = true, TemporalDim = frameWidth, TemporalChannels = 8, TemporalKernels = [3, 3], TemporalDilations = [1, 8] };
        using var adapters = new AudioAdapters(config, model.UNetSites);
        using var weights = SafeTensorsFile.Open(Path.Combine(source, AdapterFolder.WeightsFile));
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            foreach (var (key, tensor) in adapters.state_dict().Where(kv => weights.Contains(kv.Key)))
                tensor.copy_(weights.Load(key));
            if (trained)
            {
                using var generator = new Generator(21);
                foreach (var parameter in adapters.audio_encoder.temporal!.proj_out.parameters())
                    parameter.copy_(randn(parameter.shape, generator: generator));
            }
        }
        AdapterFolder.Save(adapters, target, metadata);
        return target;
    }

    private byte[] Generate(string adaptersFolder)
    {
        using var pipeline = ClapDiffusionPipeline.Load(new PipelineOptions(model.Root, AdaptersFolder: adaptersFolder));
        var request = new GenerationRequest
        {
            Settings = pipeline.Defaults with { Prompt = "a dog", Seed = 7 },
            Audio = new AudioInput(TinyPipelineFolder.Chord(), "chord.wav"),
        };
        return pipeline.Generate(request).Image.Pixels;
    }

    [Fact]
    public void An_untrained_branch_gives_the_same_image_bit_for_bit_and_a_trained_one_another()
    {
        var without = Generate(Path.Combine(model.Root, "adapters"));
        var untrained = Generate(WithTemporalBranch("adapters-temporal", TinyClapFrameWidth, trained: false));
        var trained = Generate(WithTemporalBranch("adapters-temporal-trained", TinyClapFrameWidth, trained: true));

        Assert.Equal(without, untrained);
        Assert.NotEqual(without, trained);
    }

    [Fact]
    public void Adapters_whose_branch_expects_other_frames_are_refused_on_load()
    {
        var folder = WithTemporalBranch("adapters-temporal-768", 768, trained: false);

        var error = Assert.Throws<InputException>(() => ClapDiffusionPipeline.Load(new PipelineOptions(model.Root, AdaptersFolder: folder)));

        Assert.Contains("768-wide CLAP frames", error.Message);
        Assert.Contains($"{TinyClapFrameWidth} wide", error.Message);
    }
}
