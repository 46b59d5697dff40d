using Clap2Diffusion.Server.Study.Statistics;

namespace Clap2Diffusion.Tests.Web.Study;

/// <summary>Against values computed by hand (and checked with Python's math module).</summary>
public sealed class StudyStatisticsTests
{
    [Theory]
    [InlineData(70, 100, 0.6041514536665332, 0.7810511470506724)]
    [InlineData(150, 200, 0.6856590168795417, 0.8049183199318249)]
    [InlineData(0, 10, 0.0, 0.2775327998628892)]
    [InlineData(10, 10, 0.7224672001371107, 1.0)]
    public void Wilson_interval(int successes, int trials, double low, double high)
    {
        var (actualLow, actualHigh) = new Proportion(successes, trials).WilsonInterval();

        Assert.Equal(low, actualLow, 9);
        Assert.Equal(high, actualHigh, 9);
    }

    [Theory]
    [InlineData(10, 8, 0.5, 0.0546875)]            // (45 + 10 + 1) / 1024
    [InlineData(20, 18, 0.7, 0.035483132298468646)]
    [InlineData(200, 150, 0.7, 0.06954527985344389)]
    [InlineData(1000, 540, 0.5, 0.006222073138585887)]
    [InlineData(5, 0, 0.3, 1.0)]
    [InlineData(5, 6, 0.3, 0.0)]
    public void Exact_binomial_upper_tail(int n, int k, double p, double expected)
    {
        Assert.Equal(expected, Binomial.UpperTail(n, k, p), 12);
    }

    [Fact]
    public void Left_right_bias_test_is_two_sided()
    {
        Assert.Equal(2 * 0.0546875, Binomial.TwoSidedFairCoinPValue(10, 8), 12);
        Assert.Equal(2 * 0.0546875, Binomial.TwoSidedFairCoinPValue(10, 2), 12);
        Assert.Equal(1.0, Binomial.TwoSidedFairCoinPValue(10, 5), 12);
    }

    [Theory]
    [InlineData(0.78, 190)]
    [InlineData(0.75, 501)]
    [InlineData(0.72, 3202)]
    public void Ratings_needed_to_show_the_rate_above_seventy_percent(double observed, int expected)
    {
        Assert.Equal(expected, SampleSize.ForOneSidedProportion(0.7, observed));
    }

    [Theory]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.95, 1.6448536269514722)]
    [InlineData(0.8, 0.8416212335729143)]
    [InlineData(0.001, -3.090232306167813)]
    public void Normal_quantile(double p, double z)
    {
        Assert.Equal(z, Normal.Quantile(p), 12);
    }

    [Fact]
    public void Cluster_bootstrap_of_identical_participants_collapses_to_their_rate()
    {
        var clusters = Enumerable.Repeat(new Proportion(3, 4), 12).ToList();

        Assert.Equal((0.75, 0.75), ClusterBootstrap.Interval(clusters));
    }

    [Fact]
    public void Cluster_bootstrap_of_two_opposite_participants_spans_zero_to_one()
    {
        // Resampling two clusters gives 0, 0.5 or 1 with probabilities 1/4, 1/2, 1/4.
        var clusters = new List<Proportion> { new(1, 1), new(0, 1) };

        var (low, high) = ClusterBootstrap.Interval(clusters);

        Assert.Equal((0.0, 1.0), (low, high));
    }

    [Fact]
    public void Cluster_bootstrap_is_reproducible_and_wider_than_wilson_when_raters_disagree()
    {
        // Ten enthusiasts who always say "improved" and ten sceptics who never do: 20 votes each.
        var clusters = Enumerable.Repeat(new Proportion(20, 20), 10).Concat(Enumerable.Repeat(new Proportion(0, 20), 10)).ToList();

        var first = ClusterBootstrap.Interval(clusters);
        var again = ClusterBootstrap.Interval(clusters);
        var wilson = new Proportion(200, 400).WilsonInterval();

        Assert.Equal(first, again);
        Assert.True(first.High - first.Low > 2 * (wilson.High - wilson.Low), $"bootstrap {first}, wilson {wilson}");
        Assert.InRange(first.Low, 0.25, 0.33);
        Assert.InRange(first.High, 0.67, 0.75);
    }
}
