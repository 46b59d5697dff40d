using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

public sealed class DDIMSchedulerTests(ITestOutputHelper output)
{
    /// <summary>The config of diffusers' <c>DDIMSchedulerTest</c>.</summary>
    private static SchedulerConfig TestConfig() => DiffusersTestData.LinearConfig(1000) with { ClipSample = true };

    [Theory]
    [InlineData("epsilon", null, 0.0001, 172.0067, 0.223967)]
    [InlineData("v_prediction", null, 0.0001, 52.5302, 0.0684)]
    [InlineData("epsilon", true, 0.01, 149.8295, 0.1951)]
    [InlineData("epsilon", false, 0.01, 149.0784, 0.1941)]
    public void Ten_step_loop_reproduces_the_golden_values_of_diffusers_tests(
        string prediction, bool? setAlphaToOne, double betaStart, double sum, double mean)
    {
        using var scope = NewDisposeScope();
        var config = TestConfig() with { PredictionType = prediction, SetAlphaToOne = setAlphaToOne, BetaStart = betaStart };
        using var scheduler = new DDIMScheduler(config);
        scheduler.SetTimesteps(10);

        var sample = DiffusersTestData.PlainLoop(scheduler, DiffusersTestData.SampleDeter(), scheduler.TimestepValues);

        GoldenAssert.SumAndMean(output, $"DDIM {prediction} set_alpha_to_one={setAlphaToOne} beta_start={betaStart}", sample, sum, mean);
    }

    [Theory]
    [InlineData("epsilon", PredictionType.Epsilon)]
    [InlineData("v_prediction", PredictionType.VPrediction)]
    [InlineData("sample", PredictionType.Sample)]
    public void The_training_target_is_what_the_config_says_the_model_predicts(string prediction, PredictionType expected)
    {
        using var scope = NewDisposeScope();
        using var scheduler = new DDIMScheduler(TestConfig() with { PredictionType = prediction });
        var sample = DiffusersTestData.SampleDeter();
        var noise = DiffusersTestData.NoiseDeter();
        var timesteps = tensor(new long[] { 500 });

        var target = scheduler.TrainingTarget(sample, noise, timesteps);

        Assert.Equal(expected, scheduler.PredictionType);
        var want = expected switch
        {
            PredictionType.VPrediction => scheduler.GetVelocity(sample, noise, timesteps),
            PredictionType.Sample => sample,
            _ => noise,
        };
        Assert.True(target.eq(want).all().item<bool>());
    }

    [Fact]
    public void Loop_from_noised_sample_at_t_start_8_reproduces_diffusers_golden_values()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new DDIMScheduler(TestConfig());
        scheduler.SetTimesteps(10);
        var timesteps = scheduler.Timesteps[(8 * scheduler.Order)..];

        var sample = scheduler.AddNoise(DiffusersTestData.SampleDeter(), DiffusersTestData.NoiseDeter(), timesteps[..1]);
        sample = DiffusersTestData.PlainLoop(scheduler, sample, scheduler.TimestepValues[(8 * scheduler.Order)..]);

        GoldenAssert.SumAndMean(output, "DDIM with noise", sample, 354.5418, 0.4616);
    }

    [Fact]
    public void Leading_spacing_adds_steps_offset()
    {
        using var scheduler = new DDIMScheduler(TestConfig() with { StepsOffset = 1 });
        scheduler.SetTimesteps(5);

        Assert.Equal([801, 601, 401, 201, 1], scheduler.TimestepValues);
        Assert.Equal(ScalarType.Int64, scheduler.Timesteps.dtype);
    }

    [Theory]
    [InlineData(0, 0, 0.0)]
    [InlineData(420, 400, 0.14771)]
    [InlineData(980, 960, 0.32460)]
    [InlineData(487, 486, 0.00979)]
    [InlineData(999, 998, 0.02)]
    public void Variance_matches_diffusers_test_values(int timestep, int prevTimestep, double expected)
    {
        using var scheduler = new DDIMScheduler(TestConfig());

        Assert.True(Math.Abs(scheduler.GetVariance(timestep, prevTimestep) - expected) < 1e-5);
    }

    [Fact]
    public void Eta_adds_the_noise_source_draw_scaled_by_sigma_t()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new DDIMScheduler(SchedulerFixture.Sd15Config()) { Eta = 1.0 };
        scheduler.SetTimesteps(20);
        using var generator = new Generator(3);
        var sample = randn(1, 4, 8, 8, generator: generator);
        var model_output = randn(1, 4, 8, 8, generator: generator);
        var noise = randn([2, 1, 4, 8, 8], generator: generator);
        noise[1].zero_();

        var noisy = StepWith(scheduler, noise[0], model_output, sample);
        var deterministic = StepWith(scheduler, noise[1], model_output, sample);

        // t = 951 steps to 901: σ_t(η=1) = √variance.
        var std_dev_t = Math.Sqrt(scheduler.GetVariance(951, 901));
        TensorAssert.Close(noisy - deterministic, std_dev_t * noise[0], atol: 1e-5);
        Assert.True(std_dev_t > 0.01);
    }

    [Fact]
    public void Clip_sample_bounds_the_predicted_x0()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new DDIMScheduler(TestConfig());
        scheduler.SetTimesteps(10);

        var output = scheduler.Step(full(1, 4, 8, 8, 50f), scheduler.TimestepValues[0], full(1, 4, 8, 8, -3f));

        Assert.Equal(-1.0, output.PredOriginalSample!.max().item<float>());
    }

    [Fact]
    public void Stepping_before_set_timesteps_is_refused()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new DDIMScheduler(TestConfig());

        Assert.Throws<InvalidOperationException>(() => scheduler.Step(zeros(1, 4, 2, 2), 999, zeros(1, 4, 2, 2)));
    }

    private static Tensor StepWith(DDIMScheduler scheduler, Tensor noise, Tensor model_output, Tensor sample)
    {
        scheduler.NoiseSource = new ReplayNoiseSource(noise.unsqueeze(0));
        return scheduler.Step(model_output, 951, sample).PrevSample;
    }
}
