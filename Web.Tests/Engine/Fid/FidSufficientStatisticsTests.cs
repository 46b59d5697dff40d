using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Evaluation.Fid;

namespace Clap2Diffusion.Tests.Engine.Fid;

public sealed class FidSufficientStatisticsTests
{
    private const string Space = "test space";

    // Non-negative rows away from zero, as pooled network features are: the case where raw sums of squares cancel.
    private static List<double[]> Rows(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, dimensions).Select(_ => (double)(float)(5 + random.NextDouble())).ToArray()).ToList();
    }

    private static FidActivations Activations(List<double[]> rows) => new(rows.SelectMany(r => r).ToArray(), rows.Count, rows[0].Length, Space);

    [Theory]
    [InlineData(40, 6, new[] { 1, 39 })]
    [InlineData(40, 6, new[] { 13, 7, 20 })]
    [InlineData(9, 16, new[] { 2, 3, 4 })]
    public void Merged_statistics_of_chunks_equal_the_statistics_of_the_concatenation(int count, int dimensions, int[] chunks)
    {
        var rows = Rows(count, dimensions, seed: count + dimensions);
        var parts = new List<FidSufficientStatistics>();
        var start = 0;
        foreach (var size in chunks)
        {
            parts.Add(FidSufficientStatistics.FromRows(rows[start..(start + size)], Space));
            start += size;
        }

        var merged = FidSufficientStatistics.Merge(parts).ToStatistics("merged");
        var whole = FidStatistics.FromActivations("whole", Activations(rows));

        Assert.Equal(count, merged.Count);
        var scale = whole.Sigma.Max(Math.Abs);
        for (var i = 0; i < dimensions; i++)
            Assert.Equal(whole.Mu[i], merged.Mu[i], 1e-10 * Math.Abs(whole.Mu[i]));
        for (var i = 0; i < whole.Sigma.Length; i++)
            Assert.Equal(whole.Sigma[i], merged.Sigma[i], 1e-10 * scale);
    }

    [Fact]
    public void One_part_gives_the_statistics_of_its_rows_bit_for_bit()
    {
        var rows = Rows(12, 5, seed: 1);

        var one = FidSufficientStatistics.Merge([FidSufficientStatistics.FromRows(rows, Space)]).ToStatistics("one");
        var whole = FidStatistics.FromActivations("whole", Activations(rows));

        Assert.Equal(whole.Mu, one.Mu);
        Assert.Equal(whole.Sigma, one.Sigma);
    }

    [Fact]
    public void Statistics_of_different_sizes_or_feature_spaces_are_not_merged()
    {
        var a = FidSufficientStatistics.FromRows(Rows(3, 4, 1), Space);
        var wider = FidSufficientStatistics.FromRows(Rows(3, 5, 2), Space);
        var other = FidSufficientStatistics.FromRows(Rows(3, 4, 3), "other space");

        Assert.Contains("4 and 5 dimensions", Assert.Throws<InputException>(() => FidSufficientStatistics.Merge([a, wider])).Message);
        Assert.Contains("different feature extractors", Assert.Throws<InputException>(() => FidSufficientStatistics.Merge([a, other])).Message);
        Assert.Contains("at least 2 images", Assert.Throws<InputException>(() => FidSufficientStatistics.FromRows(Rows(1, 4, 4), Space).ToStatistics("one")).Message);
    }
}
