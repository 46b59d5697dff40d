namespace Clap2Diffusion.Engine.Training.Metrics;

/// <summary>Where training and evaluation numbers go: a JSONL file, the web app's database, or both.</summary>
public interface IMetricSink
{
    void Write(MetricRecord record);
}

/// <summary>Writes every record to each of several sinks.</summary>
public sealed class CompositeMetricSink(params IMetricSink[] sinks) : IMetricSink
{
    public void Write(MetricRecord record)
    {
        foreach (var sink in sinks)
            sink.Write(record);
    }
}
