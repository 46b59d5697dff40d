using System.Net;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Clap2Diffusion.Tests.Web.Admin;

/// <summary>Training and evaluation runs in the engine queue, with the test doubles behind the seams.</summary>
public sealed class RunTests : IDisposable
{
    private readonly AdminWorld _world = new();

    private TrainingSettings Settings(int steps, int checkpointEvery = 5, int samplesEvery = 4) => new()
    {
        Steps = steps, CheckpointEvery = checkpointEvery, SamplesEvery = samplesEvery, WarmupSteps = 2, DatasetFolder = _world.Demo,
    };

    private static async Task<RunSummary> WaitForRunAsync(IRunConsole runs, Guid runId, params RunState[] states)
    {
        var wanted = states.Length == 0 ? [RunState.Completed, RunState.Failed, RunState.Cancelled] : states;
        RunSummary? last = null;
        await StudioApi.WaitUntilAsync(() =>
        {
            last = runs.ListAsync(RunKind.Training).Result.Concat(runs.ListAsync(RunKind.Evaluation).Result).Single(r => r.Id == runId);
            return wanted.Contains(last.State);
        }, $"run {runId} reaches {string.Join("/", wanted)}", seconds: 60);
        return last!;
    }

    [Fact]
    public async Task A_training_run_trains_on_the_engine_thread_and_its_metrics_samples_and_checkpoints_land_in_sqlite()
    {
        await using var factory = await _world.Factory().ReadyAsync();
        var runs = factory.Get<IRunConsole>();

        var report = await runs.CheckDatasetAsync(Settings(12));
        var launched = await runs.LaunchTrainingAsync(Settings(12));
        var run = await WaitForRunAsync(runs, launched.RunId!.Value);

        Assert.Equal((4, 1), (report.Usable, report.Skipped.Count));
        Assert.Equal("notes.txt", report.Skipped[0].File);
        Assert.Equal((RunState.Completed, 12L), (run.State, run.Step));
        Assert.All(_world.Training.Threads, name => Assert.Equal("c2d-engine", name));
        var detail = (await runs.GetTrainingAsync(run.Id))!;
        Assert.Equal(12, detail.Metrics.Count);
        Assert.All(detail.Metrics, series => Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), series.Points.Select(p => p.Step)));
        Assert.Equal(1.0 / 12, detail.Metrics.Single(m => m.Name == "loss/total").Points[^1].Value, 12);
        Assert.Equal([4L, 8, 12], detail.Samples.Select(s => s.Step));
        Assert.Equal([5L, 10, 12], detail.Checkpoints.Select(c => c.Step));
        Assert.Equal(12 * 12, await factory.DbAsync(db => db.Metrics.CountAsync(m => m.RunId == run.Id && m.Kind == "train")));
        Assert.Equal(4, detail.Dataset!.Usable);
    }

    [Fact]
    public async Task A_run_the_server_keeps_dying_under_is_failed_after_its_attempts()
    {
        var settings = new Dictionary<string, string?> { ["Training:MaxAttempts"] = "2" };
        _world.Training.Gate.Reset();
        Guid runId;
        await using (var first = await _world.Factory(settings).ReadyAsync())
        {
            var runs = first.Get<IRunConsole>();
            runId = (await runs.LaunchTrainingAsync(Settings(12))).RunId!.Value;
            await WaitForRunAsync(runs, runId, RunState.Running);
        }

        await LeaveRunningAsCrashDoesAsync();
        await using (var second = await _world.Factory(settings).ReadyAsync())
        {
            await WaitForRunAsync(second.Get<IRunConsole>(), runId, RunState.Running);
            Assert.Equal(1, await second.DbAsync(db => db.Runs.Where(r => r.Id == runId).Select(r => r.Attempts).SingleAsync()));
        }

        await LeaveRunningAsCrashDoesAsync();
        await using var third = await _world.Factory(settings).ReadyAsync();
        await WaitForRunAsync(third.Get<IRunConsole>(), runId, RunState.Failed);
        var error = await third.DbAsync(db => db.Runs.Where(r => r.Id == runId).Select(r => r.Error).SingleAsync());
        Assert.Contains("The server stopped 2 times while running this run", error);
        Assert.Equal(2, _world.Training.Starts.Count(s => s.RunId == runId));
        _world.Training.Gate.Set();
    }

    /// <summary>
    /// A clean stop queues the running run again; a process that dies leaves it marked running, which is what this
    /// writes into the stopped server's database.
    /// </summary>
    private async Task LeaveRunningAsCrashDoesAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_world.DataFolder, "studio.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE Runs SET State = 'Running' WHERE State = 'Queued'";
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task Skipped_non_finite_steps_are_counted_for_the_run_page_and_leave_gaps_in_the_loss_chart()
    {
        _world.Training.NonFiniteAt = [3, 7];
        await using var factory = await _world.Factory().ReadyAsync();
        var runs = factory.Get<IRunConsole>();

        var launched = await runs.LaunchTrainingAsync(Settings(10));
        var run = await WaitForRunAsync(runs, launched.RunId!.Value);

        Assert.Equal(RunState.Completed, run.State);
        var detail = (await runs.GetTrainingAsync(run.Id))!;
        Assert.Equal(2, detail.NonFiniteSteps);
        Assert.Equal(Enumerable.Range(1, 10).Where(s => s is not (3 or 7)).Select(s => (long)s),
            detail.Metrics.Single(m => m.Name == "loss/total").Points.Select(p => p.Step));
        Assert.DoesNotContain(Clap2Diffusion.Client.Pages.Admin.Runs.TrainingRunPage.ChartGroups(detail.Metrics),
            group => group.Series.Any(s => s.Name.StartsWith("steps/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_training_run_yields_to_waiting_generation_jobs_and_resumes_from_its_checkpoint()
    {
        _world.Training.StepDelay = TimeSpan.FromMilliseconds(15);
        await using var factory = await _world.Factory().ReadyAsync();
        var runs = factory.Get<IRunConsole>();
        var runId = (await runs.LaunchTrainingAsync(Settings(150, checkpointEvery: 1000, samplesEvery: 1000))).RunId!.Value;
        await StudioApi.WaitUntilAsync(() => factory.Get<IEngineActivity>().Current is { Step: > 3 }, "training is under way");

        var client = factory.ClientFor("studio-visitor");
        var jobId = await client.QueueAsync("a dog in the rain", steps: 2);
        await client.WaitForAsync(jobId, "Completed");
        var jobDone = DateTime.UtcNow;
        var run = await WaitForRunAsync(runs, runId);

        Assert.Equal(RunState.Completed, run.State);
        Assert.True(run.Yields >= 1, "the run never stepped aside");
        Assert.True(run.FinishedAt!.Value.UtcDateTime > jobDone, "the job waited for the whole run");
        var starts = _world.Training.Starts.Where(s => s.RunId == runId).ToList();
        Assert.Null(starts[0].ResumeFrom);
        Assert.True(starts.Count >= 2);
        Assert.NotNull(starts[1].ResumeFrom);
        Assert.True(starts[1].StartStep > 0);
        var steps = (await runs.GetTrainingAsync(runId))!.Metrics.Single(m => m.Name == "loss/total").Points.Select(p => p.Step).ToList();
        Assert.Equal(Enumerable.Range(1, 150).Select(i => (long)i), steps);
    }

    [Fact]
    public async Task In_exclusive_mode_a_training_run_keeps_the_engine_until_it_ends()
    {
        _world.Training.StepDelay = TimeSpan.FromMilliseconds(10);
        await using var factory = await _world.Factory(new Dictionary<string, string?> { ["Training:Exclusive"] = "true" }).ReadyAsync();
        var runs = factory.Get<IRunConsole>();
        var runId = (await runs.LaunchTrainingAsync(Settings(60, checkpointEvery: 1000, samplesEvery: 1000))).RunId!.Value;
        await StudioApi.WaitUntilAsync(() => factory.Get<IEngineActivity>().Current is { Step: > 3, Exclusive: true }, "training is under way");

        var client = factory.ClientFor("studio-visitor");
        var jobId = await client.QueueAsync("a dog in the rain", steps: 2);
        await client.WaitForAsync(jobId, "Completed");
        var run = await WaitForRunAsync(runs, runId);

        Assert.Equal(0, run.Yields);
        var job = await factory.DbAsync(db => db.Jobs.SingleAsync(j => j.Id == jobId));
        Assert.True(job.StartedAt > run.FinishedAt!.Value.UtcDateTime.AddMilliseconds(-1));
    }

    [Fact]
    public async Task Cancel_stops_a_run_within_a_step_and_resume_goes_on_from_its_last_checkpoint()
    {
        await using var factory = await _world.Factory().ReadyAsync();
        var runs = factory.Get<IRunConsole>();
        _world.Training.Gate.Reset();
        var runId = (await runs.LaunchTrainingAsync(Settings(20, checkpointEvery: 3))).RunId!.Value;
        await StudioApi.WaitUntilAsync(() => _world.Training.Starts.Any(s => s.RunId == runId), "the run starts");
        _world.Training.StepDelay = TimeSpan.FromMilliseconds(20);
        _world.Training.Gate.Set();
        await StudioApi.WaitUntilAsync(() => runs.GetTrainingAsync(runId).Result!.Checkpoints.Count >= 2, "two checkpoints are written");

        Assert.True(await runs.CancelAsync(runId));
        var cancelled = await WaitForRunAsync(runs, runId);
        var lastCheckpoint = (await runs.GetTrainingAsync(runId))!.Checkpoints[^1];
        Assert.True(await runs.ResumeAsync(runId));
        var resumed = await WaitForRunAsync(runs, runId, RunState.Completed);

        Assert.Equal(RunState.Cancelled, cancelled.State);
        Assert.Equal("Cancelled by an admin.", cancelled.Error);
        Assert.Equal(20, resumed.Step);
        var second = _world.Training.Starts.Where(s => s.RunId == runId).ElementAt(1);
        Assert.Equal((lastCheckpoint.Folder, lastCheckpoint.Step), (second.ResumeFrom, second.StartStep));
        Assert.False(await runs.ResumeAsync(runId));
        Assert.False(await runs.CancelAsync(runId));
    }

    [Fact]
    public async Task Folder_choices_outside_the_configured_roots_are_refused()
    {
        Directory.CreateSymbolicLink(Path.Combine(_world.DatasetRoot, "escape"), _world.Outside);
        Directory.CreateDirectory(_world.DatasetRoot + "-sibling");
        await using var factory = await _world.Factory().ReadyAsync();
        var runs = factory.Get<IRunConsole>();
        var models = factory.Get<IModelConsole>();

        var attempts = new[]
        {
            _world.Outside, Path.Combine(_world.DatasetRoot, "..", "outside"), Path.Combine(_world.DatasetRoot, "escape"),
            _world.DatasetRoot + "-sibling", "/etc", "datasets/demo-world",
        };
        foreach (var folder in attempts)
        {
            Assert.NotNull(runs.Browse(folder).Problem);
            Assert.Empty(runs.Browse(folder).Folders);
            Assert.False((await runs.CheckDatasetAsync(Settings(5) with { DatasetFolder = folder })).CanTrain);
            Assert.False((await runs.LaunchTrainingAsync(Settings(5) with { DatasetFolder = folder })).Accepted);
            Assert.False((await runs.LaunchEvaluationAsync(new EvaluationRunSettings { DatasetFolder = folder })).Accepted);
            Assert.False((await models.CheckAsync(folder, ModelComponent.Adapters)).Ok);
            Assert.False((await models.ActivateAsync(new ModelSelection(null, null, folder))).Activated);
            Assert.False((await runs.LaunchTrainingAsync(Settings(5) with { BaseModelFolder = folder })).Accepted);
        }

        Assert.Contains("outside the configured roots", runs.Browse(_world.Outside).Problem);
        Assert.Equal([_world.DatasetRoot], runs.Browse(null).Folders);
        Assert.Contains(_world.Demo, runs.Browse(_world.DatasetRoot).Folders);
        Assert.True((await runs.CheckDatasetAsync(Settings(5))).CanTrain);
        Assert.Equal(0, await factory.DbAsync(db => db.Runs.CountAsync()));
        Assert.Empty(_world.Models.ActivatedOnThreads);
    }

    [Fact]
    public async Task An_evaluation_run_reports_tables_charts_and_a_grid_and_runs_compare_over_time()
    {
        await using var factory = await _world.Factory().ReadyAsync();
        await factory.CreateAccountAsync("admin@example.org", isAdmin: true);
        var runs = factory.Get<IRunConsole>();

        var first = (await runs.LaunchEvaluationAsync(new EvaluationRunSettings { DatasetFolder = _world.Demo, Samples = 3, Seed = 1 })).RunId!.Value;
        await WaitForRunAsync(runs, first);
        var second = (await runs.LaunchEvaluationAsync(new EvaluationRunSettings { Title = "after stage 2", DatasetFolder = _world.Demo, Samples = 3, Seed = 5 }))
            .RunId!.Value;
        await WaitForRunAsync(runs, second);

        var detail = (await runs.GetEvaluationAsync(second))!;
        Assert.Equal((RunState.Completed, 3L, "after stage 2"), (detail.Run.State, detail.Run.Step, detail.Run.Title));
        Assert.Equal(95, detail.Summary["fid"]);
        Assert.Equal(["grid.png", "fid.png"], detail.Files.Select(f => f.Name));
        Assert.EndsWith("/charts/fid.png", detail.Files[1].Url);
        Assert.Contains("| fid | 95 |", detail.ReportMarkdown);
        var history = await runs.EvaluationHistoryAsync();
        Assert.Equal([(first, 99.0), (second, 95.0)], history.Select(h => (h.RunId, h.Summary["fid"])));
        using var admin = await factory.SignedInAsync("admin@example.org");
        foreach (var file in detail.Files)
        {
            using var image = await admin.GetAsync(file.Url);
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/runs/{second:N}/report/..%2F..%2Fstudio.db")).StatusCode);
        Assert.Equal(3, await factory.DbAsync(db => db.Metrics.CountAsync(m => m.RunId == second && m.Kind == "eval")));
    }

    [Fact]
    public async Task A_model_switch_is_checked_applied_between_jobs_on_the_engine_thread_and_kept_across_restarts()
    {
        var adapters = Path.Combine(_world.ModelRoot, "adapters-v4");
        await using (var factory = await _world.Factory().ReadyAsync())
        {
            var models = factory.Get<IModelConsole>();
            var listed = await models.ListAsync();
            Assert.Equal([ModelComponent.BaseModel, ModelComponent.Clap, ModelComponent.Adapters, ModelComponent.Adapters],
                listed.Select(f => f.Component));

            var broken = await models.ActivateAsync(new ModelSelection(null, null, Path.Combine(_world.ModelRoot, "adapters-broken")));
            Assert.False(broken.Activated);
            Assert.Contains("missing or empty", Assert.Single(broken.Checks).Components[0].Problems[0]);

            var describes = _world.Generation.Describes;
            var switched = await models.ActivateAsync(new ModelSelection(null, null, adapters));
            Assert.True(switched.Activated);
            await StudioApi.WaitUntilAsync(() => _world.Generation.Describes > describes, "the backend describes itself again");
            var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(adapters)));
            await StudioApi.WaitUntilAsync(() => factory.Get<EngineState>().Status.Info?.AdapterHash == expected, "the studio sees the new adapters");
            Assert.Equal(["c2d-engine"], _world.Models.ActivatedOnThreads.Distinct());
            Assert.Equal(adapters, (await models.ActiveAsync()).AdapterFolder);
        }

        _world.Models.Activate(ModelSelection.Defaults);
        await using var restarted = await _world.Factory().ReadyAsync();
        Assert.Equal(adapters, _world.Models.Active.AdapterFolder);
        Assert.Equal(adapters, (await restarted.Get<IModelConsole>().ActiveAsync()).AdapterFolder);
    }

    [Fact]
    public async Task A_training_checkpoint_becomes_a_selectable_adapter_set()
    {
        await using var factory = await _world.Factory().ReadyAsync();
        var runs = factory.Get<IRunConsole>();
        var runId = (await runs.LaunchTrainingAsync(Settings(6))).RunId!.Value;
        await WaitForRunAsync(runs, runId);
        var last = (await runs.GetTrainingAsync(runId))!.Checkpoints[^1];

        var listed = await factory.Get<IModelConsole>().ListAsync();
        var fromRun = listed.Single(f => f.Folder == last.Folder);
        var activated = await factory.Get<IModelConsole>().ActivateAsync(new ModelSelection(null, null, last.Folder));

        Assert.Equal(ModelComponent.Adapters, fromRun.Component);
        Assert.Contains($"training run {runId.ToString("N")[..8]}, step 6", fromRun.Origin);
        Assert.True(activated.Activated);
        await StudioApi.WaitUntilAsync(() => _world.Models.Active.AdapterFolder == last.Folder, "the engine takes the checkpoint");
    }

    public void Dispose() => _world.Dispose();
}
