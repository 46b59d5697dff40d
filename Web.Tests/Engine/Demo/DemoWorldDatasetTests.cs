using Clap2Diffusion.Engine.Demo.Build;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Demo;

/// <summary>The demo world's dataset built once into a folder: reused when finished, never taken half-built.</summary>
public sealed class DemoWorldDatasetTests : IDisposable
{
    private static readonly IReadOnlyDictionary<string, int> Splits = new Dictionary<string, int> { ["train"] = 3, ["test"] = 1 };

    private readonly TempFolder _folder = new("demo-world-dataset");

    private string Root => _folder.File("demo-world");

    private static string[] Files(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void The_first_use_builds_it_with_its_manifest_and_a_later_use_reuses_it_untouched()
    {
        var progress = new List<(int Done, int Total)>();

        Assert.True(DemoWorldDataset.BuildOnce(Root, Splits, 7, (done, total) => progress.Add((done, total)), CancellationToken.None));
        var written = File.GetLastWriteTimeUtc(Path.Combine(Root, "train.csv"));
        Assert.False(DemoWorldDataset.BuildOnce(Root, Splits, 7, (_, _) => Assert.Fail("rebuilt"), CancellationToken.None));

        Assert.Equal([(1, 4), (2, 4), (3, 4), (4, 4)], progress);
        Assert.Equal(["audio/test00000_0.wav", "audio/train00000_0.wav", "audio/train00001_0.wav", "audio/train00002_0.wav", DemoWorldDataset.ManifestFile,
            "images/test00000_0.png", "images/train00000_0.png", "images/train00001_0.png", "images/train00002_0.png", "test.csv", "train.csv"], Files(Root));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(Root, "train.csv")));
        Assert.False(Directory.Exists(Root + DemoWorldDataset.PartialSuffix));
        Assert.True(DemoWorldDataset.IsComplete(Root, Splits, 7));
    }

    [Fact]
    public void It_writes_what_the_demo_builds_world_stage_writes()
    {
        var staged = _folder.File("staged");
        DemoWorldDataset.Write(staged, Splits, 7, null, CancellationToken.None);
        DemoWorldDataset.BuildOnce(Root, Splits, 7, null, CancellationToken.None);

        Assert.Equal(Files(staged), Files(Root).Where(f => f != DemoWorldDataset.ManifestFile));
        Assert.All(Files(staged), f => Assert.Equal(File.ReadAllBytes(Path.Combine(staged, f)), File.ReadAllBytes(Path.Combine(Root, f))));
    }

    [Fact]
    public void A_build_cut_short_is_not_taken_for_finished_and_the_next_use_builds_it_again()
    {
        using var stop = new CancellationTokenSource();

        Assert.ThrowsAny<OperationCanceledException>(() => DemoWorldDataset.BuildOnce(Root, Splits, 7, (done, _) =>
        {
            if (done == 2)
                stop.Cancel();
        }, stop.Token));

        Assert.False(Directory.Exists(Root));
        Assert.True(Directory.Exists(Root + DemoWorldDataset.PartialSuffix));
        Assert.False(DemoWorldDataset.IsComplete(Root, Splits, 7));
        Assert.True(DemoWorldDataset.BuildOnce(Root, Splits, 7, null, CancellationToken.None));
        Assert.True(DemoWorldDataset.IsComplete(Root, Splits, 7));
        Assert.False(Directory.Exists(Root + DemoWorldDataset.PartialSuffix));
    }

    [Fact]
    public void A_folder_without_its_manifest_or_built_for_other_splits_or_another_seed_is_built_again()
    {
        DemoWorldDataset.Write(Root, Splits, 7, null, CancellationToken.None);
        File.WriteAllText(Path.Combine(Root, "stray.txt"), "left by a crash");
        Assert.False(DemoWorldDataset.IsComplete(Root, Splits, 7));

        Assert.True(DemoWorldDataset.BuildOnce(Root, Splits, 7, null, CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(Root, "stray.txt")));
        Assert.False(DemoWorldDataset.IsComplete(Root, new Dictionary<string, int> { ["train"] = 4, ["test"] = 1 }, 7));
        Assert.False(DemoWorldDataset.IsComplete(Root, Splits, 8));

        File.WriteAllText(Path.Combine(Root, DemoWorldDataset.ManifestFile), "{ not json");
        Assert.False(DemoWorldDataset.IsComplete(Root, Splits, 7));
    }

    public void Dispose() => _folder.Dispose();
}
