using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

public sealed class EulerDiscreteSchedulerTests(ITestOutputHelper output)
{
    /// <summary>The config of diffusers' <c>EulerDiscreteSchedulerTest</c> (1100 training steps).</summary>
    private static SchedulerConfig TestConfig() => DiffusersTestData.LinearConfig(1100);

    [Theory]
    [InlineData("epsilon", false, 10.0807, 0.0131)]
    [InlineData("v_prediction", false, 0.0002, 2.2676e-06)]
    [InlineData("epsilon", true, 124.52299499511719, 0.16213932633399963)]
    public void Ten_step_loop_reproduces_the_golden_values_of_diffusers_tests(string prediction, bool karras, double sum, double mean)
    {
        using var scope = NewDisposeScope();
        using var scheduler = new EulerDiscreteScheduler(TestConfig() with { PredictionType = prediction, UseKarrasSigmas = karras });
        scheduler.SetTimesteps(10);

        var sample = DiffusersTestData.ScaledLoop(scheduler, DiffusersTestData.SampleDeter() * scheduler.InitNoiseSigma, scheduler.TimestepValues);

        GoldenAssert.SumAndMean(output, $"Euler {prediction} karras={karras}", sample, sum, mean);
    }

    [Fact]
    public void Loop_from_noised_sample_at_t_start_8_reproduces_diffusers_golden_values()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new EulerDiscreteScheduler(TestConfig());
        scheduler.SetTimesteps(10);
        var t_start = 8 * scheduler.Order;

        var sample = scheduler.AddNoise(DiffusersTestData.SampleDeter() * scheduler.InitNoiseSigma, DiffusersTestData.NoiseDeter(),
            scheduler.Timesteps[t_start..(t_start + 1)]);
        sample = DiffusersTestData.ScaledLoop(scheduler, sample, scheduler.TimestepValues[t_start..]);

        GoldenAssert.SumAndMean(output, "Euler with noise", sample, 57062.9297, 74.3007);
    }

    [Fact]
    public void Karras_sigmas_honour_configured_sigma_range_and_map_back_to_fractional_timesteps()
    {
        using var scheduler = new EulerDiscreteScheduler(TestConfig() with { UseKarrasSigmas = true, SigmaMin = 0.02, SigmaMax = 70.0 });
        scheduler.SetTimesteps(10);

        var sigmas = scheduler.Sigmas!.data<float>().ToArray();
        Assert.Equal(70.0, sigmas[0], 4);
        Assert.Equal(0.02, sigmas[9], 6);
        Assert.Equal(0f, sigmas[10]);
        Assert.True(scheduler.TimestepValues.Zip(scheduler.TimestepValues.Skip(1)).All(pair => pair.First > pair.Second));

        // The timestep of σ = 70 interpolates log σ of the training table.
        var t = scheduler.TimestepValues[0];
        var alphas_cumprod = scheduler.AlphasCumprod.data<float>().ToArray();
        double LogSigma(int i) => Math.Log(Math.Sqrt((1 - alphas_cumprod[i]) / alphas_cumprod[i]));
        var low = (int)Math.Floor(t);
        var log_sigma = LogSigma(low) + (t - low) * (LogSigma(low + 1) - LogSigma(low));
        Assert.Equal(Math.Log(70.0), log_sigma, 4);
    }

    [Fact]
    public void Churn_adds_noise_from_the_noise_source_and_no_churn_draws_none()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new EulerDiscreteScheduler(SchedulerFixture.Sd15Config());
        scheduler.SetTimesteps(20);
        var replay = new ReplayNoiseSource(ones([20, 1, 4, 8, 8]));
        scheduler.NoiseSource = replay;

        SchedulerFixture.RunLoop(scheduler, randn(1, 4, 8, 8) * scheduler.InitNoiseSigma);
        Assert.Equal(0, replay.Draws);

        scheduler.SetTimesteps(20);
        scheduler.SChurn = 1.0;
        SchedulerFixture.RunLoop(scheduler, randn(1, 4, 8, 8) * scheduler.InitNoiseSigma);
        Assert.Equal(20, replay.Draws);
    }

    [Fact]
    public void Continuous_timesteps_for_v_prediction_are_a_quarter_of_log_sigma()
    {
        using var scheduler = new EulerDiscreteScheduler(TestConfig() with { PredictionType = "v_prediction", TimestepType = "continuous" });
        scheduler.SetTimesteps(10);

        var sigmas = scheduler.Sigmas!.data<float>().ToArray();
        for (var i = 0; i < 10; i++)
            Assert.Equal(0.25 * Math.Log(sigmas[i]), scheduler.TimestepValues[i], 5);
    }

    [Fact]
    public void Scale_model_input_divides_by_sqrt_of_sigma_squared_plus_one()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new EulerDiscreteScheduler(SchedulerFixture.Sd15Config());
        scheduler.SetTimesteps(20);
        var sample = randn(1, 4, 8, 8);

        var scaled = scheduler.ScaleModelInput(sample, scheduler.TimestepValues[0]);

        double sigma = scheduler.Sigmas![0].item<float>();
        TensorAssert.Close(scaled, sample / Math.Sqrt(sigma * sigma + 1), atol: 1e-6);
        Assert.Equal(0, scheduler.StepIndex);
    }
}
