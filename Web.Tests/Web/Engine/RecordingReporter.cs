using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Server.Engine;

namespace Clap2Diffusion.Tests.Web.Engine;

/// <summary>Keeps everything a backend reports, in order; <see cref="OnWrite"/> lets a test act at a given step.</summary>
public sealed class RecordingReporter : ITrainingReporter, IEvaluationReporter
{
    public List<MetricRecord> Records { get; } = [];

    public List<(long Step, byte[] Png, string? Caption)> Samples { get; } = [];

    public List<(long Step, string Folder)> Checkpoints { get; } = [];

    public List<(long Done, long Total)> Progresses { get; } = [];

    public Action<MetricRecord>? OnWrite { get; init; }

    public void Write(MetricRecord record)
    {
        Records.Add(record);
        OnWrite?.Invoke(record);
    }

    public void Sample(long step, byte[] png, string? caption) => Samples.Add((step, png, caption));

    public void Checkpoint(long step, string folder) => Checkpoints.Add((step, folder));

    public void Progress(long done, long total) => Progresses.Add((done, total));
}
