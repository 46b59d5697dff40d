namespace Clap2Diffusion.Server.Persistence.Entities;

/// <summary>One number of one metric record: a run's <c>loss/total</c> at step 120, say. One row per value keeps charts one query.</summary>
public sealed class MetricEntity
{
    public long Id { get; set; }

    public Guid RunId { get; set; }

    /// <summary>"train" or "eval", as the engine's <c>MetricRecord.Kind</c>.</summary>
    public required string Kind { get; set; }

    public long Step { get; set; }

    public required string Name { get; set; }

    /// <summary>Null where the engine reported a non-finite number.</summary>
    public double? Value { get; set; }

    public DateTime Time { get; set; }
}
