using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Schedulers;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

public sealed class PNDMSchedulerTests(ITestOutputHelper output)
{
    /// <summary>The config of diffusers' <c>PNDMSchedulerTest</c>: Runge-Kutta warm-up (skip_prk_steps false).</summary>
    private static SchedulerConfig TestConfig() => DiffusersTestData.LinearConfig(1000);

    [Theory]
    [InlineData("epsilon", null, 0.0001, 198.1318, 0.2580)]
    [InlineData("v_prediction", null, 0.0001, 67.3986, 0.0878)]
    [InlineData("epsilon", true, 0.01, 230.0399, 0.2995)]
    [InlineData("epsilon", false, 0.01, 186.9482, 0.2434)]
    public void Prk_then_plms_loop_reproduces_the_golden_values_of_diffusers_tests(
        string prediction, bool? setAlphaToOne, double betaStart, double sum, double mean)
    {
        using var scope = NewDisposeScope();
        var config = TestConfig() with { PredictionType = prediction, SetAlphaToOne = setAlphaToOne, BetaStart = betaStart };
        using var scheduler = new PNDMScheduler(config);
        scheduler.SetTimesteps(10);
        Assert.Equal(12, scheduler.PrkTimesteps.Count);

        var sample = DiffusersTestData.PlainLoop(scheduler, DiffusersTestData.SampleDeter(), scheduler.TimestepValues);

        GoldenAssert.SumAndMean(output, $"PNDM {prediction} set_alpha_to_one={setAlphaToOne} beta_start={betaStart}", sample, sum, mean);
    }

    [Fact]
    public void Runge_kutta_warm_up_visits_each_half_step_twice()
    {
        using var scheduler = new PNDMScheduler(TestConfig() with { StepsOffset = 1 });
        scheduler.SetTimesteps(10);

        Assert.Equal([901, 851, 851, 801, 801, 751, 751, 701, 701, 651, 651, 601, 601, 501, 401, 301, 201, 101, 1],
            scheduler.TimestepValues);
    }

    [Fact]
    public void Plms_warm_up_repeats_the_second_timestep()
    {
        using var scheduler = new PNDMScheduler(TestConfig() with { StepsOffset = 1, SkipPrkSteps = true });
        scheduler.SetTimesteps(10);

        Assert.Empty(scheduler.PrkTimesteps);
        Assert.Equal([901, 801, 801, 701, 601, 501, 401, 301, 201, 101, 1], scheduler.TimestepValues);
    }

    [Fact]
    public void A_single_plms_step_is_allowed()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new PNDMScheduler(TestConfig() with { SkipPrkSteps = true });
        scheduler.SetTimesteps(1);

        Assert.Equal([0], scheduler.TimestepValues);
        var prev = scheduler.Step(zeros(1, 4, 2, 2), 0, ones(1, 4, 2, 2)).PrevSample;
        Assert.True(prev.isfinite().all().item<bool>());
    }

    [Fact]
    public void Runge_kutta_warm_up_needs_four_steps()
    {
        using var scheduler = new PNDMScheduler(TestConfig());

        var error = Assert.Throws<InputException>(() => scheduler.SetTimesteps(3));
        Assert.Contains("skip_prk_steps", error.Message);
    }

    [Fact]
    public void Stepping_before_set_timesteps_is_refused()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new PNDMScheduler(TestConfig());

        Assert.Throws<InvalidOperationException>(() => scheduler.Step(zeros(1, 4, 2, 2), 1, zeros(1, 4, 2, 2)));
    }
}
