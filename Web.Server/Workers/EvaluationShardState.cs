namespace Clap2Diffusion.Server.Workers;

/// <summary>One shard of an evaluation split across engine workers, as the run's row keeps it.</summary>
/// <param name="Number">1-based, as <c>EvaluationShard.Range</c> numbers the parts.</param>
/// <param name="State"><see cref="Queued"/>, <see cref="Running"/> or <see cref="Done"/>.</param>
/// <param name="CasesDone">Of its <paramref name="Cases"/>, as its worker last reported.</param>
/// <param name="Attempts">Starts so far; each start is an attempt the shard's reports and result are fenced by.</param>
public sealed record EvaluationShardState(int Number, string State, string? Worker, int Attempts, long CasesDone, long Cases)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Done = "done";
}
