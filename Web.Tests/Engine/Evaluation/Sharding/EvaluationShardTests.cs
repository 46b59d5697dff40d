using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Evaluation.Sharding;

namespace Clap2Diffusion.Tests.Engine.Evaluation.Sharding;

public sealed class EvaluationShardTests
{
    [Fact]
    public void Ranges_cut_the_cases_into_contiguous_parts_that_cover_each_once()
    {
        var parts = Enumerable.Range(1, 3).Select(k => EvaluationShard.Range(k, 3, 7).CaseIndices).ToList();

        Assert.Equal([[0, 1], [2, 3], [4, 5, 6]], parts);
        Assert.Equal([2, 3], EvaluationShard.Parse("2/3", 7).CaseIndices);
        Assert.Equal(Enumerable.Range(0, 7), EvaluationShard.All(7).CaseIndices);
    }

    [Theory]
    [InlineData("2", "takes K/N")]
    [InlineData("a/3", "takes K/N")]
    [InlineData("0/3", "must lie in 1..3")]
    [InlineData("4/3", "must lie in 1..3")]
    [InlineData("1/8", "7 cases cannot be cut into 8 shards")]
    public void Bad_shard_texts_are_refused_with_what_to_write(string text, string message) =>
        Assert.Contains(message, Assert.Throws<InputException>(() => EvaluationShard.Parse(text, 7)).Message);

    [Fact]
    public void A_shard_names_each_case_once_and_only_cases_of_the_list()
    {
        Assert.Contains("case 2 twice", Assert.Throws<InputException>(() => new EvaluationShard([1, 2, 2], 5)).Message);
        Assert.Contains("must lie in 0..4", Assert.Throws<InputException>(() => new EvaluationShard([5], 5)).Message);
        Assert.Contains("at least one case", Assert.Throws<InputException>(() => new EvaluationShard([], 5)).Message);
    }
}
