using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Tests.Engine.Evaluation;

public sealed class AlignmentRankTests
{
    [Fact]
    public void Each_image_scores_the_share_of_other_captions_below_its_own_with_ties_as_half()
    {
        var similarity = new double[,]
        {
            { 0.9, 0.1, 0.5 }, // own caption beats both others: 1
            { 0.3, 0.2, 0.8 }, // both others beat it: 0
            { 0.4, 0.7, 0.7 }, // one below, one tied: 0.75
        };

        var scores = AlignmentRank.PerImage(similarity);

        Assert.Equal([1.0, 0.0, 0.75], scores);
        Assert.Equal(1.75 / 3, scores.Average(), 12);
    }

    [Fact]
    public void Unrelated_images_score_chance_and_matched_images_score_one()
    {
        const int n = 200;
        var random = new SeededRandom(9);
        var noise = new double[n, n];
        var matched = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                noise[i, j] = random.NextDouble();
                matched[i, j] = i == j ? 1 : random.NextDouble() * 0.9;
            }

        Assert.InRange(AlignmentRank.PerImage(noise).Average(), 0.46, 0.54);
        Assert.Equal(1.0, AlignmentRank.PerImage(matched).Average(), 12);
    }

    [Fact]
    public void A_single_case_has_nothing_to_rank_against()
    {
        Assert.Empty(AlignmentRank.PerImage(new double[,] { { 0.3 } }));
        Assert.Throws<ArgumentException>(() => AlignmentRank.PerImage(new double[2, 3]));
    }
}
