using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

public sealed class DPMSolverMultistepSchedulerTests(ITestOutputHelper output)
{
    /// <summary>The config of diffusers' <c>DPMSolverMultistepSchedulerTest</c>.</summary>
    private static SchedulerConfig TestConfig() => DiffusersTestData.LinearConfig(1000) with
    {
        SolverOrder = 2,
        AlgorithmType = "dpmsolver++",
        SolverType = "midpoint",
        LowerOrderFinal = false,
        FinalSigmasType = "sigma_min",
    };

    public static TheoryData<string, SchedulerConfig, double> Goldens() => new()
    {
        { "default", TestConfig(), 0.3301 },
        { "thresholding", TestConfig() with { Thresholding = true, DynamicThresholdingRatio = 0.87, SampleMaxValue = 0.5 }, 1.1364 },
        { "v_prediction", TestConfig() with { PredictionType = "v_prediction" }, 0.2251 },
        { "karras v_prediction", TestConfig() with { PredictionType = "v_prediction", UseKarrasSigmas = true }, 0.2096 },
        { "lu v_prediction", TestConfig() with { PredictionType = "v_prediction", UseLuLambdas = true }, 0.1554 },
    };

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Ten_step_loop_reproduces_the_golden_means_of_diffusers_tests(string what, SchedulerConfig config, double mean)
    {
        using var scope = NewDisposeScope();
        using var scheduler = new DPMSolverMultistepScheduler(config);
        scheduler.SetTimesteps(10);

        var sample = DiffusersTestData.PlainLoop(scheduler, DiffusersTestData.SampleDeter(), scheduler.TimestepValues);

        GoldenAssert.SumAndMean(output, $"DPM-Solver++ {what}", sample, null, mean);
    }

    [Fact]
    public void Loop_from_noised_sample_at_t_start_5_reproduces_diffusers_golden_values()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new DPMSolverMultistepScheduler(TestConfig());
        scheduler.SetTimesteps(10);
        var t_start = 5 * scheduler.Order;

        var sample = scheduler.AddNoise(DiffusersTestData.SampleDeter(), DiffusersTestData.NoiseDeter(), scheduler.Timesteps[t_start..(t_start + 1)]);
        sample = DiffusersTestData.PlainLoop(scheduler, sample, scheduler.TimestepValues[t_start..]);

        GoldenAssert.SumAndMean(output, "DPM-Solver++ with noise", sample, 318.4111, 0.4146);
    }

    [Fact]
    public void First_order_dpm_solver_plus_plus_is_ddim()
    {
        using var scope = NewDisposeScope();
        var config = SchedulerFixture.Sd15Config() with { TimestepSpacing = "trailing" };
        using var ddim = new DDIMScheduler(config);
        using var dpm = new DPMSolverMultistepScheduler(config with { SolverOrder = 1, FinalSigmasType = "sigma_min" });
        ddim.SetTimesteps(20);
        dpm.SetTimesteps(20);
        Assert.Equal(ddim.TimestepValues, dpm.TimestepValues);
        var start = SchedulerFixture.Load("common", "initial_noise");

        var expected = SchedulerFixture.RunLoop(ddim, start);
        var actual = SchedulerFixture.RunLoop(dpm, start);

        output.WriteLine(TensorAssert.Close(actual, expected, atol: 1e-5 * expected.abs().max().item<float>(), name: "dpm++(1) vs ddim").ToString());
    }

    [Fact]
    public void Karras_schedule_repeats_timesteps_and_begin_index_tells_them_apart()
    {
        using var scope = NewDisposeScope();
        using var scheduler = SchedulerFactory.Create("dpmpp_2m_karras", SchedulerFixture.Sd15Config());
        scheduler.SetTimesteps(50);
        Assert.Equal([1, 1, 0], scheduler.TimestepValues[^3..]);
        var x0 = zeros(1, 4, 2, 2);
        var noise = ones(1, 4, 2, 2);
        double SigmaAt(int i) => scheduler.Sigmas![i].item<float>();
        static double NoiseLevel(Tensor noisy) => noisy[0, 0, 0, 0].item<float>();

        // Without a begin index a repeated timestep resolves to its second occurrence, as in diffusers.
        var searched = scheduler.AddNoise(x0, noise, tensor(new long[] { 1 }));
        scheduler.SetBeginIndex(47);
        var pinned = scheduler.AddNoise(x0, noise, tensor(new long[] { 1 }));

        // With x₀ = 0 and ε = 1 the result is σ_t = σ/√(σ²+1).
        Assert.Equal(SigmaAt(48) / Math.Sqrt(SigmaAt(48) * SigmaAt(48) + 1), NoiseLevel(searched), 6);
        Assert.Equal(SigmaAt(47) / Math.Sqrt(SigmaAt(47) * SigmaAt(47) + 1), NoiseLevel(pinned), 6);
    }

    [Fact]
    public void Step_returns_the_data_prediction_it_integrates()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new DPMSolverMultistepScheduler(SchedulerFixture.Sd15Config());
        scheduler.SetTimesteps(20);
        var sample = randn(1, 4, 8, 8);
        var eps = randn(1, 4, 8, 8);

        var output = scheduler.Step(eps, scheduler.TimestepValues[0], sample);

        // x₀ = (x − σ_t·ε)/α_t with α_t = 1/√(σ²+1), σ_t = σ·α_t.
        double sigma = scheduler.Sigmas![0].item<float>();
        var alpha_t = 1 / Math.Sqrt(sigma * sigma + 1);
        TensorAssert.Close(output.PredOriginalSample!, (sample - sigma * alpha_t * eps) / alpha_t, atol: 1e-5);
    }

    [Fact]
    public void Every_training_step_can_be_an_inference_step()
    {
        using var scheduler = new DPMSolverMultistepScheduler(TestConfig());
        scheduler.SetTimesteps(1000);

        // Rounding linspace(0, 999, 1001) repeats a timestep, as in diffusers; the count still holds.
        Assert.Equal(1000, scheduler.NumInferenceSteps);
        Assert.Equal(1000, scheduler.TimestepValues.Length);
        Assert.Equal(1001, scheduler.Sigmas!.shape[0]);
    }

    [Fact]
    public void Lambda_min_clipped_removes_the_noisiest_steps()
    {
        using var full = new DPMSolverMultistepScheduler(TestConfig());
        using var clipped = new DPMSolverMultistepScheduler(TestConfig() with { LambdaMinClipped = -3.0 });
        full.SetTimesteps(10);
        clipped.SetTimesteps(10);

        // λ_t = log √ᾱ − log √(1−ᾱ) falls below −3 for the last steps of this schedule.
        Assert.Equal(999, full.TimestepValues[0]);
        Assert.True(clipped.TimestepValues[0] < 999);
        var alpha = Math.Sqrt(clipped.AlphasCumprod[(long)clipped.TimestepValues[0]].item<float>());
        Assert.True(Math.Log(alpha) - Math.Log(Math.Sqrt(1 - alpha * alpha)) >= -3.0);
    }

    [Theory]
    [InlineData("dpmsolver", "algorithm_type")]
    [InlineData("sde-dpmsolver", "algorithm_type")]
    public void Deprecated_noise_prediction_algorithms_are_refused(string algorithm, string key)
    {
        var error = Assert.Throws<InputException>(() => new DPMSolverMultistepScheduler(TestConfig() with { AlgorithmType = algorithm }));

        Assert.Contains(key, error.Message);
        Assert.Contains("dpmsolver++", error.Message);
    }

    [Fact]
    public void Third_order_sde_and_learned_variance_are_refused()
    {
        Assert.Throws<InputException>(() => new DPMSolverMultistepScheduler(TestConfig() with { AlgorithmType = "sde-dpmsolver++", SolverOrder = 3 }));
        Assert.Throws<InputException>(() => new DPMSolverMultistepScheduler(TestConfig() with { VarianceType = "learned_range" }));
    }

    [Fact]
    public void Sde_variant_draws_noise_each_step()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new DPMSolverMultistepScheduler(SchedulerFixture.Sd15Config() with { AlgorithmType = "sde-dpmsolver++" });
        scheduler.SetTimesteps(8);
        var replay = new ReplayNoiseSource(zeros([8, 1, 4, 8, 8]));
        scheduler.NoiseSource = replay;

        var final = SchedulerFixture.RunLoop(scheduler, SchedulerFixture.Load("common", "initial_noise"));

        Assert.Equal(8, replay.Draws);
        Assert.True(final.isfinite().all().item<bool>());
    }

    [Fact]
    public void Higher_orders_and_heun_run_through_a_loop()
    {
        using var scope = NewDisposeScope();
        foreach (var (order, solver) in new[] { (3, "midpoint"), (2, "heun"), (3, "heun") })
        {
            using var scheduler = new DPMSolverMultistepScheduler(TestConfig() with { SolverOrder = order, SolverType = solver });
            scheduler.SetTimesteps(10);
            var sample = DiffusersTestData.PlainLoop(scheduler, DiffusersTestData.SampleDeter(), scheduler.TimestepValues);
            Assert.True(sample.isfinite().all().item<bool>(), $"order {order} {solver}");
        }
    }
}
