using Clap2Diffusion.Engine.Training;
using Clap2Diffusion.Engine.Training.Metrics;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// The trainer's metric sink and file listener, passing both to the server's reporter: metrics as they are,
/// sample images as PNG bytes with a caption, checkpoint folders as written. Counts the steps this call has done.
/// </summary>
public sealed class TrainingReportBridge(ITrainingReporter reporter) : IMetricSink, ITrainingListener
{
    public long StepsDone { get; private set; }

    public void Write(MetricRecord record)
    {
        if (record.Kind == MetricRecord.TrainingKind)
            StepsDone++;
        reporter.Write(record);
    }

    public void SampleWritten(TrainingSample sample) =>
        reporter.Sample(sample.Step, File.ReadAllBytes(sample.Path), sample.Caption);

    public void CheckpointWritten(long step, string folder) => reporter.Checkpoint(step, folder);
}
