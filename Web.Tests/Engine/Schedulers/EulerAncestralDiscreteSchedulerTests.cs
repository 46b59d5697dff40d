using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Schedulers;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

public sealed class EulerAncestralDiscreteSchedulerTests(ITestOutputHelper output)
{
    /// <summary>The config of diffusers' <c>EulerAncestralDiscreteSchedulerTest</c> (1100 training steps).</summary>
    private static SchedulerConfig TestConfig() => DiffusersTestData.LinearConfig(1100);

    /// <summary>
    /// These goldens depend on the noise: diffusers seeds <c>torch.manual_seed(0)</c> and draws one
    /// randn([4, 3, 8, 8]) per step. LibTorch's CPU generator reproduces PyTorch's stream, so a seeded
    /// <see cref="GeneratorNoiseSource"/> gives the same draws.
    /// </summary>
    [Theory]
    [InlineData("epsilon", 152.3192, 0.1983)]
    [InlineData("v_prediction", 108.4439, 0.1412)]
    public void Ten_step_loop_with_seed_0_reproduces_the_golden_values_of_diffusers_tests(string prediction, double sum, double mean)
    {
        using var scope = NewDisposeScope();
        using var noise = new GeneratorNoiseSource(0);
        using var scheduler = new EulerAncestralDiscreteScheduler(TestConfig() with { PredictionType = prediction }) { NoiseSource = noise };
        scheduler.SetTimesteps(10);

        var sample = DiffusersTestData.ScaledLoop(scheduler, DiffusersTestData.SampleDeter() * scheduler.InitNoiseSigma, scheduler.TimestepValues);

        GoldenAssert.SumAndMean(output, $"Euler ancestral {prediction}", sample, sum, mean);
    }

    [Fact]
    public void Loop_from_noised_sample_at_t_start_8_with_seed_0_reproduces_diffusers_golden_values()
    {
        using var scope = NewDisposeScope();
        using var noise = new GeneratorNoiseSource(0);
        using var scheduler = new EulerAncestralDiscreteScheduler(TestConfig()) { NoiseSource = noise };
        scheduler.SetTimesteps(10);
        var t_start = 8 * scheduler.Order;

        var sample = scheduler.AddNoise(DiffusersTestData.SampleDeter() * scheduler.InitNoiseSigma, DiffusersTestData.NoiseDeter(),
            scheduler.Timesteps[t_start..(t_start + 1)]);
        sample = DiffusersTestData.ScaledLoop(scheduler, sample, scheduler.TimestepValues[t_start..]);

        GoldenAssert.SumAndMean(output, "Euler ancestral with noise", sample, 56163.0508, 73.1290);
    }

    [Fact]
    public void Noise_is_drawn_once_per_step_and_the_last_draw_has_no_effect()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(7);
        var recorded = randn([5, 1, 4, 8, 8], generator: generator);
        var altered = recorded.clone();
        altered[4].fill_(100f);

        var (final, draws) = Run(recorded);
        var (final_altered, draws_altered) = Run(altered);

        Assert.Equal(5, draws);
        Assert.Equal(5, draws_altered);
        // σ_up is 0 on the last step (σ_to = 0), so the last draw leaves no trace.
        Assert.True(final.eq(final_altered).all().item<bool>());
    }

    private static (Tensor Final, int Draws) Run(Tensor recorded)
    {
        using var scheduler = new EulerAncestralDiscreteScheduler(SchedulerFixture.Sd15Config());
        scheduler.SetTimesteps(5);
        var replay = new ReplayNoiseSource(recorded);
        scheduler.NoiseSource = replay;
        var final = SchedulerFixture.RunLoop(scheduler, SchedulerFixture.Load("common", "initial_noise") * scheduler.InitNoiseSigma);
        return (final, replay.Draws);
    }

    [Fact]
    public void Sample_prediction_is_refused_as_in_diffusers()
    {
        var error = Assert.Throws<InputException>(() => new EulerAncestralDiscreteScheduler(TestConfig() with { PredictionType = "sample" }));

        Assert.Contains("prediction_type 'sample'", error.Message);
        Assert.Contains("epsilon, v_prediction", error.Message);
    }
}
