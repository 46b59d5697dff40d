using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Pipelines;

/// <summary>
/// Editing an image (img2img) on the demo model, whose VAE is trained, so "keeps the input" has a meaning: the input
/// is a demo image of one prompt, and every edit asks for another prompt, which pulls it away as strength grows.
/// </summary>
public sealed class Img2ImgTests : IClassFixture<Img2ImgTests.Demo>
{
    public sealed class Demo : IDisposable
    {
        public ClapDiffusionPipeline Pipeline { get; } = ClapDiffusionPipeline.Load(new PipelineOptions(EmbeddedModel.Require(null), Target: ComputeTarget.Cpu));

        public RgbImage Input { get; }

        public Demo() => Input = Pipeline.Generate(new GenerationRequest { Settings = Pipeline.Defaults with { Prompt = "a dog on grass under the sun", Seed = 21, Steps = 20 } }).Image;

        public void Dispose() => Pipeline.Dispose();
    }

    private const int Steps = 20;
    private readonly Demo demo;

    public Img2ImgTests(Demo demo) => this.demo = demo;

    private GenerationResult Edit(double strength, Action<StepProgress>? onStep = null) => demo.Pipeline.Generate(new GenerationRequest
    {
        Settings = demo.Pipeline.Defaults with { Prompt = "a bell in the rain at night", Seed = 5, Steps = Steps, InitImage = "input.png", Strength = strength },
        InitImage = demo.Input,
    }, onStep);

    [Fact]
    public void At_strength_0_05_the_edit_stays_within_a_few_levels_of_the_inputs_vae_round_trip()
    {
        var roundTrip = VaeRoundTrip(demo.Input);

        var kept = Edit(0.05).Image;
        var redrawn = Edit(1.0).Image;

        var keptDistance = MeanAbsoluteDifference(kept, roundTrip);
        Assert.True(keptDistance < 2, $"mean |edit - round trip| = {keptDistance:0.00} of 255");
        Assert.True(MeanAbsoluteDifference(redrawn, roundTrip) > 5 * keptDistance, "a full-strength edit should move far further than 0.05");
    }

    [Fact]
    public void The_distance_to_the_input_grows_with_strength()
    {
        double[] strengths = [0.2, 0.5, 0.8, 1.0];

        var distances = strengths.Select(s => MeanAbsoluteDifference(Edit(s).Image, demo.Input)).ToList();

        for (var i = 1; i < distances.Count; i++)
            Assert.True(distances[i] > distances[i - 1],
                $"distances at strengths {string.Join(", ", strengths)}: {string.Join(", ", distances.Select(d => d.ToString("0.00")))}");
    }

    [Theory]
    [InlineData(1.0, Steps)]
    [InlineData(0.5, Steps / 2)]
    [InlineData(0.05, 1)]
    public void Strength_sets_how_many_steps_run_and_1_runs_every_step_from_the_noised_input(double strength, int expectedSteps)
    {
        var steps = new List<StepProgress>();

        var result = Edit(strength, steps.Add);

        Assert.Equal(expectedSteps, steps.Count);
        Assert.All(steps, s => Assert.Equal(expectedSteps, s.TotalSteps));
        Assert.Equal(Enumerable.Range(1, expectedSteps), steps.Select(s => s.Step));
        Assert.Equal(strength, result.Parameters.InitImageStrength);
        Assert.Equal("input.png", result.Parameters.InitImage);
        Assert.Contains("Init image: input.png", result.Parameters.ToA1111());
        if (strength == 1.0)
        {
            // The first step is the schedule's noisiest timestep, the one a text-to-image run starts from.
            var fromNoise = new List<StepProgress>();
            demo.Pipeline.Generate(new GenerationRequest { Settings = demo.Pipeline.Defaults with { Prompt = "a bell in the rain at night", Seed = 5, Steps = Steps } }, fromNoise.Add);
            Assert.Equal(fromNoise[0].Timestep, steps[0].Timestep);
        }
    }

    [Fact]
    public void Both_images_of_a_pair_are_edits_of_the_same_input()
    {
        var request = new GenerationRequest
        {
            Settings = demo.Pipeline.Defaults with { Prompt = "a bell in the rain at night", Seed = 5, Steps = Steps, Strength = 0.6 },
            InitImage = demo.Input,
            Pair = true,
            Audio = new AudioInput(TinyPipelineFolder.Chord(), "chord.wav"),
        };

        var pair = demo.Pipeline.Generate(request);
        var textOnlyEdit = demo.Pipeline.Generate(request with { Pair = false, Audio = null });

        Assert.Equal(textOnlyEdit.Image.Pixels, pair.Baseline!.Pixels);
        Assert.Equal(0.6, pair.BaselineParameters!.InitImageStrength);
        Assert.Equal(0.6, pair.Parameters.InitImageStrength);
    }

    private RgbImage VaeRoundTrip(RgbImage image)
    {
        using var vae = AutoencoderKL.FromPretrained(Path.Combine(EmbeddedModel.Require(null), "vae"), ComputeTarget.Cpu);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var pixels = ImageTensors.FromRgb(image.Pixels, image.Width, image.Height).unsqueeze(0);
        return new RgbImage(image.Width, image.Height, ImageTensors.ToRgb(vae.forward(pixels)[0]));
    }

    private static double MeanAbsoluteDifference(RgbImage a, RgbImage b) =>
        a.Pixels.Zip(b.Pixels, (x, y) => Math.Abs(x - y)).Average();
}
