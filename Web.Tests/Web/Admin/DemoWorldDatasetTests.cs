using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Demo.Build;
using Clap2Diffusion.Server.DemoWorld;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;

namespace Clap2Diffusion.Tests.Web.Admin;

/// <summary>
/// The demo world on a fresh data folder with no dataset roots: built on first use into the data folder, offered
/// to training and evaluation, found again after a restart, and built again when a build was cut short.
/// </summary>
public sealed class DemoWorldDatasetTests : IDisposable
{
    private readonly TempFolder _data = new("demo-world");

    private StudioFactory Factory(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["DemoWorld:TrainClips"] = "3", ["DemoWorld:ValClips"] = "0", ["DemoWorld:TestClips"] = "1" };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
            settings[key] = value;
        return new StudioFactory(_data.Path, new TestGenerationBackend(), settings);
    }

    private string Folder => Path.Combine(_data.Path, "datasets", "demo-world");

    private static async Task<IReadOnlyList<DemoWorldStatus>> PrepareAsync(IDemoWorld world)
    {
        var seen = new List<DemoWorldStatus>();
        using var subscription = world.Subscribe(status =>
        {
            lock (seen)
                seen.Add(status);
            return Task.CompletedTask;
        });
        var first = world.Prepare();
        await StudioApi.WaitUntilAsync(() => world.Status.State is DemoWorldState.Ready or DemoWorldState.Failed, "the demo world is built", seconds: 120);
        await StudioApi.WaitUntilAsync(() => { lock (seen) return seen.LastOrDefault()?.State == world.Status.State; }, "its last status is published");
        lock (seen)
            return [first, .. seen];
    }

    [Fact]
    public async Task The_first_use_builds_it_into_the_data_folder_with_progress_and_training_may_choose_it()
    {
        await using var factory = await Factory().ReadyAsync();
        var world = factory.Get<IDemoWorld>();
        var runs = factory.Get<IRunConsole>();
        Assert.Equal(DemoWorldState.NotBuilt, world.Status.State);
        Assert.Contains("choose the demo world", runs.Browse(null).Problem);

        var statuses = await PrepareAsync(world);

        Assert.Equal(DemoWorldState.Building, statuses[0].State);
        Assert.Equal(new DemoWorldStatus(DemoWorldState.Ready, 4, 4, Folder, null), world.Status);
        Assert.Equal(DemoWorldState.Ready, statuses[^1].State);
        Assert.Contains(statuses, s => s is { State: DemoWorldState.Building, Done: 4, Total: 4 });
        Assert.True(DemoWorldDataset.IsComplete(Folder, new Dictionary<string, int> { ["train"] = 3, ["test"] = 1 }, DemoWorldDatasets.Seed));
        var settings = world.TrainingDefaults with { SampleLimit = null };
        Assert.Equal(Folder, settings.DatasetFolder);
        var report = await runs.CheckDatasetAsync(settings);
        Assert.True(report.CanTrain, string.Join(" ", report.Problems));
        Assert.Equal(3, report.Usable);
    }

    [Fact]
    public async Task A_finished_build_is_reused_after_a_restart_and_a_build_cut_short_is_built_again()
    {
        await using (var factory = await Factory().ReadyAsync())
            await PrepareAsync(factory.Get<IDemoWorld>());
        var written = File.GetLastWriteTimeUtc(Path.Combine(Folder, "train.csv"));

        await using (var restarted = await Factory().ReadyAsync())
        {
            var world = restarted.Get<DemoWorldDatasets>();
            Assert.Equal(DemoWorldState.Ready, world.Status.State);
            Assert.Equal(DemoWorldState.Ready, world.Prepare().State);
            Assert.Null(world.Build);
        }
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(Folder, "train.csv")));

        // What a crash in the middle of a build leaves: the unfinished folder beside, and no finished one.
        Directory.Move(Folder, Folder + DemoWorldDataset.PartialSuffix);
        File.Delete(Path.Combine(Folder + DemoWorldDataset.PartialSuffix, DemoWorldDataset.ManifestFile));
        await using (var afterCrash = await Factory().ReadyAsync())
        {
            var world = afterCrash.Get<IDemoWorld>();
            Assert.Equal(DemoWorldState.NotBuilt, world.Status.State);
            Assert.Equal(DemoWorldState.Ready, (await PrepareAsync(world))[^1].State);
        }
        Assert.False(Directory.Exists(Folder + DemoWorldDataset.PartialSuffix));
    }

    [Fact]
    public async Task A_demo_world_evaluation_is_refused_on_a_base_model_that_was_not_trained_on_it()
    {
        var model = _data.File("other-model");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "model_index.json"), "{}");
        await using var factory = await Factory(new Dictionary<string, string?> { ["Engine:ModelFolder"] = model }).ReadyAsync();
        var world = factory.Get<IDemoWorld>();

        var launched = await factory.Get<IRunConsole>().LaunchEvaluationAsync(world.EvaluationDefaults);

        Assert.Equal(DemoWorldState.Unavailable, world.Status.State);
        Assert.Equal(DemoWorldState.Unavailable, world.Prepare().State);
        Assert.False(launched.Accepted);
        Assert.Contains(launched.Problems, p => p.Contains("not trained on the demo world", StringComparison.Ordinal));
    }

    public void Dispose() => _data.Dispose();
}
