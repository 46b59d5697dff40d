using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence.Entities;

namespace Clap2Diffusion.Server.Runs;

/// <summary>
/// The SQLite metric sink and artifact recorder of one run, called by the backend on the engine thread. Each
/// report is stored before the call returns, so a chart never shows a step the database lacks, and then a
/// run event tells the admin pages to refresh.
/// </summary>
public sealed class RunReporter(RunEntity run, RunStore store, RunPaths paths, RunEventBus events, bool exclusive)
    : ITrainingReporter, IEvaluationReporter
{
    private long _step = run.Step;
    private long _total = run.TotalSteps;

    public void Write(MetricRecord record)
    {
        var advances = run.Kind == RunKind.Training && record.Kind == MetricRecord.TrainingKind;
        store.AddMetrics(record, run.Id, advances);
        if (advances)
            _step = Math.Max(_step, record.Step);
        Announce();
    }

    public void Sample(long step, byte[] png, string? caption)
    {
        var folder = paths.SamplesFolder(run.Id);
        Directory.CreateDirectory(folder);
        var name = $"step-{step:D8}-{Guid.NewGuid().ToString("N")[..8]}.png";
        File.WriteAllBytes(Path.Combine(folder, name), png);
        store.AddArtifact(new RunArtifactEntity
        {
            RunId = run.Id, Kind = RunArtifactKind.Sample, Step = step, Path = name, Caption = caption, CreatedAt = DateTime.UtcNow,
        });
        Announce();
    }

    public void Checkpoint(long step, string folder)
    {
        store.AddArtifact(new RunArtifactEntity
        {
            RunId = run.Id, Kind = RunArtifactKind.Checkpoint, Step = step, Path = Path.GetFullPath(folder), CreatedAt = DateTime.UtcNow,
        });
        Announce();
    }

    public void Progress(long done, long total)
    {
        (_step, _total) = (done, total);
        store.SetProgress(run.Id, done, total);
        Announce();
    }

    public void Announce()
    {
        events.Publish(new RunEvent(run.Id, RunState.Running, _step));
        events.SetCurrent(new BackgroundWork(run.Id, run.Kind, run.Title, _step, _total, exclusive));
    }
}
