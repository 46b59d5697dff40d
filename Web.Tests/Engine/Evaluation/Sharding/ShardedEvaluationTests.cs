using System.Text.Json;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Evaluation.Sharding;

namespace Clap2Diffusion.Tests.Engine.Evaluation.Sharding;

/// <summary>Two shards merged in reverse order give the report of the run on one worker.</summary>
public sealed class ShardedEvaluationTests(ShardedRunFixture fixture) : IClassFixture<ShardedRunFixture>
{
    private static string Json(object value) => JsonSerializer.Serialize(value, ReportWriter.Json);

    private EvaluationReport Merge(string folder, params string[] files) =>
        EvaluationMerge.Merge(files.Select(EvaluationShardFile.Read).ToList(), fixture.Folder.File(folder));

    [Fact]
    public void Two_uneven_shards_merged_in_reverse_order_equal_the_one_worker_run()
    {
        var whole = fixture.Whole;

        var merged = Merge("merged", fixture.SecondFile, fixture.FirstFile);

        // The run measured everything, so the comparison means something.
        Assert.Equal(3, whole.Distances.Count);
        Assert.All(whole.Cases.SelectMany(c => c.Images), i => Assert.NotNull(i.ClipScore));
        Assert.All(whole.Cases.SelectMany(c => c.Images), i => Assert.NotNull(i.Hits));
        Assert.Equal(ShardedRunFixture.FirstShard.Select(i => fixture.Source.Cases[i].Id), fixture.FirstRequests);
        // Per-case records, accuracies, CLIP scores, alignment ranks, groups, comparisons, checks and criteria: identical.
        Assert.Equal(Json(whole.Cases), Json(merged.Cases));
        Assert.Equal(Json(whole.Groups), Json(merged.Groups));
        Assert.Equal(Json(whole.Comparisons), Json(merged.Comparisons));
        Assert.Equal(Json(whole.Checks), Json(merged.Checks));
        Assert.Equal(Json(whole.Criteria), Json(merged.Criteria));
        Assert.Equal((whole.Verdict, whole.Source, whole.Generator, whole.Clip), (merged.Verdict, merged.Source, merged.Generator, merged.Clip));
        Assert.Equal(whole.Notes, merged.Notes);
        // FID from summed statistics and KID from the rows in case order: equal to rounding.
        Assert.Equal(whole.Distances.Count, merged.Distances.Count);
        foreach (var (one, two) in whole.Distances.Zip(merged.Distances))
        {
            Assert.Equal(one with { Value = 0, Kid = null }, two with { Value = 0, Kid = null });
            Assert.Equal(one.Value, two.Value, 1e-9 * Math.Abs(one.Value));
            Assert.Equal(one.Kid!.Value, two.Kid!.Value, 1e-9 * Math.Abs(one.Kid.Value));
            Assert.Equal(one.Kid.SubsetStandardDeviation, two.Kid.SubsetStandardDeviation, 1e-9 * Math.Abs(one.Kid.SubsetStandardDeviation));
        }
        // The images were copied from the shards' folders, and the grid drawn from them is the run's.
        foreach (var image in whole.Cases.SelectMany(c => c.Images))
            Assert.Equal(File.ReadAllBytes(fixture.Folder.File(Path.Combine("whole", image.File))),
                File.ReadAllBytes(fixture.Folder.File(Path.Combine("merged", image.File))));
        Assert.Equal(File.ReadAllBytes(fixture.Folder.File("whole/grid.png")), File.ReadAllBytes(fixture.Folder.File("merged/grid.png")));
    }

    [Fact]
    public void A_shard_file_reads_back_as_it_was_written()
    {
        var input = EvaluationShardFile.Read(fixture.FirstFile);
        var copy = fixture.Folder.File("copies/first.json");

        EvaluationShardFile.Write(copy, input.Result, input.ImageFolder);

        Assert.Equal(Path.GetFullPath(fixture.Folder.File("first")), input.ImageFolder);
        // The copy lies beside the original, so even the image folder relative to it is the same.
        Assert.Equal(File.ReadAllText(fixture.FirstFile), File.ReadAllText(copy));
    }

    [Fact]
    public void Missing_and_repeated_cases_are_refused()
    {
        var missing = Assert.Throws<InputException>(() => Merge("missing", fixture.SecondFile));
        var twice = Assert.Throws<InputException>(() => Merge("twice", fixture.FirstFile, fixture.SecondFile, fixture.FirstFile));

        Assert.Equal("4 of 12 cases are in no shard: case 0, 1, 2, 3", missing.Message);
        Assert.StartsWith("case 0 (matching-000) is in two shards", twice.Message);
    }

    [Fact]
    public void Shards_of_another_run_are_refused_with_the_setting_that_differs()
    {
        var other = fixture.Folder.File("other/shard.json");
        fixture.Run(fixture.Folder.File("other"), (run, _) =>
        {
            EvaluationShardFile.Write(other, run.ExecuteShard(new EvaluationShard(ShardedRunFixture.FirstShard, ShardedRunFixture.Cases)),
                fixture.Folder.File("other"));
            return 0;
        }, seed: 6);

        var error = Assert.Throws<InputException>(() => Merge("mixed", other, fixture.SecondFile));

        Assert.StartsWith("the shards are not of one run: their seed differs (6 in ", error.Message);
    }
}
