using Clap2Diffusion.Engine.Schedulers;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

public sealed class LMSDiscreteSchedulerTests(ITestOutputHelper output)
{
    /// <summary>The config of diffusers' <c>LMSDiscreteSchedulerTest</c> (1100 training steps).</summary>
    private static SchedulerConfig TestConfig() => DiffusersTestData.LinearConfig(1100);

    [Theory]
    [InlineData("epsilon", false, 1006.388, 0.01, 1.31)]
    [InlineData("v_prediction", false, 0.0017, 0.01, 2.2676e-06)]
    [InlineData("epsilon", true, 3812.9927, 0.02, 4.9648)]
    public void Ten_step_loop_reproduces_the_golden_values_of_diffusers_tests(
        string prediction, bool karras, double sum, double sumTolerance, double mean)
    {
        using var scope = NewDisposeScope();
        using var scheduler = new LMSDiscreteScheduler(TestConfig() with { PredictionType = prediction, UseKarrasSigmas = karras });
        scheduler.SetTimesteps(10);

        var sample = DiffusersTestData.ScaledLoop(scheduler, DiffusersTestData.SampleDeter() * scheduler.InitNoiseSigma, scheduler.TimestepValues);

        GoldenAssert.SumAndMean(output, $"LMS {prediction} karras={karras}", sample, sum, mean, sumTolerance);
    }

    [Fact]
    public void Loop_from_noised_sample_at_t_start_8_reproduces_diffusers_golden_values()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new LMSDiscreteScheduler(TestConfig());
        scheduler.SetTimesteps(10);
        var t_start = 8 * scheduler.Order;

        var sample = scheduler.AddNoise(DiffusersTestData.SampleDeter() * scheduler.InitNoiseSigma, DiffusersTestData.NoiseDeter(),
            scheduler.Timesteps[t_start..(t_start + 1)]);
        sample = DiffusersTestData.ScaledLoop(scheduler, sample, scheduler.TimestepValues[t_start..]);

        GoldenAssert.SumAndMean(output, "LMS with noise", sample, 27663.6895, 36.0204);
    }

    [Fact]
    public void Karras_timesteps_stay_fractional_float64_as_in_diffusers()
    {
        using var scheduler = new LMSDiscreteScheduler(TestConfig() with { UseKarrasSigmas = true });
        scheduler.SetTimesteps(10);

        Assert.Equal(ScalarType.Float64, scheduler.Timesteps.dtype);
        Assert.Contains(scheduler.TimestepValues, t => t != Math.Floor(t));
    }

    [Fact]
    public void Coefficients_integrate_the_lagrange_basis_exactly()
    {
        using var scheduler = new LMSDiscreteScheduler(SchedulerFixture.Sd15Config());
        scheduler.SetTimesteps(20);
        var sigmas = scheduler.Sigmas!.data<float>().Select(s => (double)s).ToArray();
        const int t = 6;

        // Order 1 is Euler: the weight is the step in σ.
        Assert.Equal(sigmas[t + 1] - sigmas[t], scheduler.GetLmsCoefficient(1, t, 0), 12);

        // Order 2, closed form: ∫ (τ − σ_{t−1})/(σ_t − σ_{t−1}) dτ over [σ_t, σ_{t+1}].
        var closed = (Math.Pow(sigmas[t + 1] - sigmas[t - 1], 2) - Math.Pow(sigmas[t] - sigmas[t - 1], 2)) / 2 / (sigmas[t] - sigmas[t - 1]);
        Assert.Equal(closed, scheduler.GetLmsCoefficient(2, t, 0), 10);

        // The Lagrange basis sums to 1, so the weights of any order sum to the step in σ.
        foreach (var order in new[] { 3, 4, 6 })
        {
            var total = Enumerable.Range(0, order).Sum(j => scheduler.GetLmsCoefficient(order, t, j));
            Assert.Equal(sigmas[t + 1] - sigmas[t], total, 10);
        }
    }

    [Fact]
    public void Gauss_legendre_rule_is_exact_for_polynomials_up_to_degree_2m_minus_1()
    {
        for (var m = 1; m <= 5; m++)
            for (var degree = 0; degree <= 2 * m - 1; degree++)
            {
                var k = degree;
                var exact = (Math.Pow(2.5, k + 1) - Math.Pow(-1.5, k + 1)) / (k + 1);
                Assert.Equal(exact, GaussLegendre.Integrate(x => Math.Pow(x, k), -1.5, 2.5, m), 9);
            }
    }
}
