using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

public sealed class BootstrapTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.25, 1.75)]
    [InlineData(0.5, 2.5)]
    [InlineData(0.975, 3.925)]
    [InlineData(1.0, 4.0)]
    public void Percentiles_interpolate_linearly_as_numpy_does(double q, double expected)
    {
        Assert.Equal(expected, Bootstrap.Percentile([1.0, 2.0, 3.0, 4.0], q), 12);
    }

    [Fact]
    public void One_resample_is_the_mean_of_draws_from_the_seeded_generator()
    {
        var random = new SeededRandom(42);
        var draws = new[] { random.Next(3), random.Next(3), random.Next(3) };
        double[] values = [0, 10, 20];

        var estimate = Bootstrap.Mean(values, 42, resamples: 1)!;

        var resampled = draws.Average(i => values[i]);
        Assert.Equal(10, estimate.Mean, 12);
        Assert.Equal(resampled, estimate.Low, 12);
        Assert.Equal(resampled, estimate.High, 12);
        Assert.Equal(3, estimate.Count);
    }

    [Fact]
    public void A_fair_coin_over_100_cases_gives_the_textbook_interval()
    {
        var values = Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? 1.0 : 0.0).ToList();

        var estimate = Bootstrap.Mean(values, 7)!;

        // Normal approximation: 0.5 ± 1.96·0.05 = [0.402, 0.598]; the percentile bootstrap lands within a step of it.
        Assert.Equal(0.5, estimate.Mean, 12);
        Assert.InRange(estimate.Low, 0.38, 0.42);
        Assert.InRange(estimate.High, 0.58, 0.62);
    }

    [Fact]
    public void A_seed_repeats_its_interval_and_another_seed_moves_it()
    {
        var random = new SeededRandom(3);
        var values = Enumerable.Range(0, 40).Select(_ => random.Gaussian()).ToList();

        var first = Bootstrap.Mean(values, 11)!;
        var again = Bootstrap.Mean(values, 11)!;
        var other = Bootstrap.Mean(values, 12)!;

        Assert.Equal(first, again);
        Assert.Equal(first.Mean, other.Mean, 12);
        Assert.NotEqual(first.Low, other.Low);
        Assert.True(first.Low < first.Mean && first.Mean < first.High);
    }

    [Fact]
    public void Constant_values_and_constant_differences_have_no_spread()
    {
        var constant = Bootstrap.Mean([0.7, 0.7, 0.7, 0.7], 1)!;
        var difference = Bootstrap.PairedDifference([1.0, 0.5, 0.25], [0.9, 0.4, 0.15], 1)!;

        Assert.Equal(0.7, constant.Mean, 12);
        Assert.Equal(0.7, constant.Low, 12);
        Assert.Equal(0.7, constant.High, 12);
        Assert.Equal(0.1, difference.Mean, 12);
        Assert.Equal(0.1, difference.Low, 12);
        Assert.Equal(0.1, difference.High, 12);
    }

    [Fact]
    public void Nothing_to_resample_gives_no_estimate_and_bad_settings_are_refused()
    {
        Assert.Null(Bootstrap.Mean([], 1));
        Assert.Throws<InputException>(() => Bootstrap.Mean([1.0], 1, resamples: 0));
        Assert.Throws<InputException>(() => Bootstrap.Mean([1.0], 1, confidence: 1));
        Assert.Throws<ArgumentException>(() => Bootstrap.Mean([double.NaN], 1));
        Assert.Throws<ArgumentException>(() => Bootstrap.PairedDifference([1.0], [1.0, 2.0], 1));
    }

    [Fact]
    public void Statistic_seeds_depend_on_the_name_and_the_run_seed()
    {
        Assert.Equal(Bootstrap.SeedFor(5, "all/audio/accuracy/object"), Bootstrap.SeedFor(5, "all/audio/accuracy/object"));
        Assert.NotEqual(Bootstrap.SeedFor(5, "all/audio/accuracy/object"), Bootstrap.SeedFor(5, "all/audio/accuracy/shape"));
        Assert.NotEqual(Bootstrap.SeedFor(5, "x"), Bootstrap.SeedFor(6, "x"));
    }
}
