using System.Text.Json;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Server.DemoWorld;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Jobs;
using Clap2Diffusion.Server.Models;
using Clap2Diffusion.Server.Persistence.Entities;
using Clap2Diffusion.Server.Workers;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Runs;

/// <summary><see cref="IRunConsole"/>: launching, watching, cancelling and resuming runs, for the admin pages.</summary>
public sealed class RunConsole(ITrainingBackend trainer, RunStore store, RunPaths paths, ModelRoots modelRoots, DemoWorldDatasets demoWorld,
    RunEventBus events, RunCancellations cancellations, QueueSignal signal, WorkerRegistry workers, IOptions<EngineServiceOptions> mode,
    ILogger<RunConsole> logger) : IRunConsole
{
    /// <summary>Charts draw at most this many points per series; longer series are thinned evenly (the last point kept).</summary>
    public const int MaxChartPoints = 400;

    public TrainingSettings TrainingDefaults { get; } = new();

    public EvaluationRunSettings EvaluationDefaults { get; } = new();

    public IReadOnlyList<string> DatasetRoots => Roots;

    /// <summary>
    /// The configured dataset roots a run can train from: with engine workers, only those inside a live worker's shared
    /// roots (the folders it reads at the front end's paths), since the run goes to such a worker.
    /// </summary>
    private IReadOnlyList<string> Roots => mode.Value.UsesWorkers
        ? paths.DatasetRoots.Where(root => workers.Live().Any(w => w.SharedRoots.Any(shared => FolderGuard.IsUnder(root, shared)))).ToList()
        : paths.DatasetRoots;

    /// <summary>The configured roots and, once it is built and while the model reads it, the demo world's dataset.</summary>
    private IReadOnlyList<string> DatasetChoices =>
        demoWorld.Status is { State: DemoWorldState.Ready, Folder: { } folder } ? [.. Roots, FolderGuard.Real(folder)] : Roots;

    public FolderListing Browse(string? path)
    {
        if (string.IsNullOrEmpty(path))
            return new FolderListing("", null, Roots, Roots.Count > 0 ? null
                : demoWorld.Status.Offered ? "No dataset roots are configured (Training:DatasetRoots): choose the demo world, or configure roots for datasets of your own."
                : "No dataset roots are configured (Training:DatasetRoots).");
        var (folder, problem) = FolderGuard.Resolve(path, Roots);
        if (folder is null)
            return new FolderListing(path, null, [], problem);
        var parent = Path.GetDirectoryName(folder);
        var parentAllowed = parent is not null && Roots.Any(root => FolderGuard.IsUnder(parent, root));
        var folders = new DirectoryInfo(folder).EnumerateDirectories()
            .Where(d => !d.Name.StartsWith('.'))
            .Select(d => d.FullName).Order(StringComparer.Ordinal).Take(1000).ToList();
        return new FolderListing(folder, parentAllowed ? parent : "", folders, null);
    }

    public async Task<DatasetValidation> CheckDatasetAsync(TrainingSettings settings, CancellationToken cancellationToken = default)
    {
        var problems = settings.Problems().Where(p => !p.StartsWith("Choose a dataset", StringComparison.Ordinal)).ToList();
        var (dataset, datasetProblem) = FolderGuard.Resolve(settings.DatasetFolder, DatasetChoices);
        if (datasetProblem is not null)
            problems.Add(datasetProblem);
        problems.AddRange(ModelFolderProblems(settings.BaseModelFolder, "base model"));
        problems.AddRange(ModelFolderProblems(settings.ClapFolder, "CLAP model"));
        if (problems.Count > 0)
            return DatasetValidation.Refused([.. problems]);
        return await Task.Run(() => trainer.Validate(settings with { DatasetFolder = dataset! }), cancellationToken);
    }

    public async Task<LaunchResult> LaunchTrainingAsync(TrainingSettings settings, CancellationToken cancellationToken = default)
    {
        var report = await CheckDatasetAsync(settings, cancellationToken);
        if (!report.CanTrain)
            return new LaunchResult(null, report.Problems.Count > 0 ? report.Problems : ["The dataset has no usable examples."]);
        var (dataset, _) = FolderGuard.Resolve(settings.DatasetFolder, DatasetChoices);
        settings = settings with { DatasetFolder = dataset! };
        var run = NewRun(RunKind.Training, $"Stage {settings.Stage} on {Path.GetFileName(dataset)}", JsonSerializer.Serialize(settings, RunStore.Json),
            settings.Steps);
        run.DatasetReportJson = JsonSerializer.Serialize(report, RunStore.Json);
        await QueueAsync(run, cancellationToken);
        return new LaunchResult(run.Id, []);
    }

    public async Task<LaunchResult> LaunchEvaluationAsync(EvaluationRunSettings settings, CancellationToken cancellationToken = default)
    {
        var problems = settings.Problems().Where(p => !p.StartsWith("Choose a dataset", StringComparison.Ordinal)).ToList();
        string? dataset = null;
        if (settings.DemoWorld)
        {
            if (demoWorld.Status is { Offered: false, Problem: var unavailable })
                problems.Add(unavailable!);
        }
        else
        {
            (dataset, var datasetProblem) = FolderGuard.Resolve(settings.DatasetFolder, DatasetChoices);
            if (datasetProblem is not null)
                problems.Add(datasetProblem);
        }
        problems.AddRange(ModelFolderProblems(settings.AdapterFolder, "adapter"));
        if (problems.Count > 0)
            return new LaunchResult(null, problems);
        settings = settings with { DatasetFolder = dataset ?? "" };
        var title = !string.IsNullOrWhiteSpace(settings.Title) ? settings.Title.Trim()
            : settings.DemoWorld ? "Evaluation on the demo world" : $"Evaluation on {Path.GetFileName(dataset)}";
        var run = NewRun(RunKind.Evaluation, title, JsonSerializer.Serialize(settings, RunStore.Json), settings.Samples);
        await QueueAsync(run, cancellationToken);
        return new LaunchResult(run.Id, []);
    }

    public async Task<IReadOnlyList<RunSummary>> ListAsync(RunKind kind, CancellationToken cancellationToken = default) =>
        (await store.ListAsync(kind, cancellationToken)).Select(Summary).ToList();

    public async Task<TrainingRunDetail?> GetTrainingAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        var run = await store.FindAsync(runId, cancellationToken);
        if (run is not { Kind: RunKind.Training })
            return null;
        var metrics = await store.MetricsAsync(runId, cancellationToken);
        var nonFinite = metrics.LongCount(m => m.Name == TrainingRunDetail.NonFiniteMetric && m.Value is > 0);
        var series = metrics.GroupBy(m => m.Name)
            .Select(g => new MetricSeries(g.Key, Thin(g.Where(m => m.Value is not null).Select(m => new MetricPoint(m.Step, m.Value!.Value)).ToList())))
            .ToList();
        var artifacts = await store.ArtifactsAsync(runId, cancellationToken);
        var samples = artifacts.Where(a => a.Kind == RunArtifactKind.Sample)
            .Select(a => new RunSample(a.Step, $"/admin/runs/{runId:N}/samples/{a.Path}", a.Caption)).ToList();
        var checkpoints = artifacts.Where(a => a.Kind == RunArtifactKind.Checkpoint)
            .Select(a => new RunCheckpoint(a.Step, a.Path, Utc(a.CreatedAt))).ToList();
        var dataset = run.DatasetReportJson is null ? null : JsonSerializer.Deserialize<DatasetValidation>(run.DatasetReportJson, RunStore.Json);
        return new TrainingRunDetail(Summary(run), JsonSerializer.Deserialize<TrainingSettings>(run.SettingsJson, RunStore.Json)!, series,
            samples, checkpoints, dataset, nonFinite);
    }

    public async Task<EvaluationRunDetail?> GetEvaluationAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        var run = await store.FindAsync(runId, cancellationToken);
        if (run is not { Kind: RunKind.Evaluation })
            return null;
        string? markdown = null;
        var files = new List<ReportFile>();
        if (run.ReportFolder is { } folder && Directory.Exists(folder))
        {
            var summary = Path.Combine(folder, ReportWriter.SummaryFile);
            if (File.Exists(summary) && new FileInfo(summary).Length < 1_000_000)
                markdown = await File.ReadAllTextAsync(summary, cancellationToken);
            files = [.. ReportImages(runId, folder, "report"), .. ReportImages(runId, Path.Combine(folder, RunPaths.ChartsFolder), "charts")];
        }

        return new EvaluationRunDetail(Summary(run), JsonSerializer.Deserialize<EvaluationRunSettings>(run.SettingsJson, RunStore.Json)!,
            SummaryOf(run), markdown, files);
    }

    /// <summary>The PNGs of one folder of the report (the engine writes the grid at the top and its charts under <c>charts/</c>).</summary>
    private static IEnumerable<ReportFile> ReportImages(Guid runId, string folder, string area) =>
        !Directory.Exists(folder)
            ? []
            : Directory.EnumerateFiles(folder, "*.png").Select(Path.GetFileName).OfType<string>().Where(RunPaths.IsPlainFileName)
                .Order(StringComparer.Ordinal).Select(name => new ReportFile(name, $"/admin/runs/{runId:N}/{area}/{name}"));

    public async Task<IReadOnlyList<EvaluationPoint>> EvaluationHistoryAsync(CancellationToken cancellationToken = default) =>
        (await store.ListAsync(RunKind.Evaluation, cancellationToken))
        .Where(r => r is { State: RunState.Completed, FinishedAt: not null })
        .OrderBy(r => r.FinishedAt)
        .Select(r => new EvaluationPoint(r.Id, r.Title, Utc(r.FinishedAt!.Value), SummaryOf(r)))
        .ToList();

    public async Task<bool> CancelAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        if (await store.MoveAsync(runId, [RunState.Queued], RunState.Cancelled, "Cancelled by an admin before it ran again.", cancellationToken))
        {
            events.Publish(new RunEvent(runId, RunState.Cancelled, 0));
            logger.LogInformation("Queued run {RunId} cancelled", runId);
            return true;
        }

        if (cancellations.Cancel(runId))
            return true;
        // On an engine worker: the run ends here, and the worker's next heartbeat tells it to stop.
        if (await store.FindAsync(runId, cancellationToken) is { State: RunState.Running, Worker: not null }
            && await store.MoveAsync(runId, [RunState.Running], RunState.Cancelled, "Cancelled by an admin.", cancellationToken))
        {
            events.Publish(new RunEvent(runId, RunState.Cancelled, 0));
            logger.LogInformation("Run {RunId} cancelled on its engine worker", runId);
            return true;
        }

        return false;
    }

    public async Task<bool> ResumeAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        var run = await store.FindAsync(runId, cancellationToken);
        if (run is not { Kind: RunKind.Training } || !await store.MoveAsync(runId, [RunState.Cancelled, RunState.Failed], RunState.Queued, null,
                cancellationToken))
            return false;
        logger.LogInformation("Run {RunId} queued again, to resume from {Checkpoint}", runId, run.LastCheckpoint ?? "the start");
        events.Publish(new RunEvent(runId, RunState.Queued, run.Step));
        signal.Notify();
        return true;
    }

    public IDisposable Subscribe(Guid runId, Func<RunEvent, Task> handler) => events.Subscribe(runId, handler);

    private IEnumerable<string> ModelFolderProblems(string? folder, string what)
    {
        if (string.IsNullOrWhiteSpace(folder))
            yield break;
        var (_, problem) = FolderGuard.Resolve(folder, modelRoots.All);
        if (problem is not null)
            yield return $"The {what} folder: {problem}";
    }

    private static RunEntity NewRun(RunKind kind, string title, string settingsJson, long totalSteps) => new()
    {
        Id = Guid.NewGuid(),
        Kind = kind,
        State = RunState.Queued,
        Title = title.Length > 200 ? title[..200] : title,
        SettingsJson = settingsJson,
        TotalSteps = totalSteps,
        CreatedAt = DateTime.UtcNow,
    };

    private async Task QueueAsync(RunEntity run, CancellationToken cancellationToken)
    {
        await store.AddAsync(run, cancellationToken);
        logger.LogInformation("{Kind} run {RunId} queued: {Title}", run.Kind, run.Id, run.Title);
        events.Publish(new RunEvent(run.Id, RunState.Queued, 0));
        signal.Notify();
    }

    private static IReadOnlyList<MetricPoint> Thin(List<MetricPoint> points)
    {
        if (points.Count <= MaxChartPoints)
            return points;
        var stride = (double)(points.Count - 1) / (MaxChartPoints - 1);
        return Enumerable.Range(0, MaxChartPoints).Select(i => points[(int)Math.Round(i * stride)]).ToList();
    }

    private static IReadOnlyDictionary<string, double> SummaryOf(RunEntity run) =>
        run.SummaryJson is null ? new Dictionary<string, double>() : JsonSerializer.Deserialize<Dictionary<string, double>>(run.SummaryJson, RunStore.Json)!;

    public static RunSummary Summary(RunEntity run) => new(run.Id, run.Kind, run.State, run.Title, run.Step, run.TotalSteps, run.Yields,
        Utc(run.CreatedAt), run.StartedAt is { } started ? Utc(started) : null, run.FinishedAt is { } finished ? Utc(finished) : null, run.Error);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
