using System.ComponentModel.DataAnnotations;
using Clap2Diffusion.Engine.Serving;

namespace Clap2Diffusion.Server.Workers;

/// <summary>
/// The "Engine" section's keys for where jobs run. In <c>remote</c> and <c>hybrid</c> mode the front end needs a Redis
/// (<c>Redis:Configuration</c>) and a key file the workers present; both are checked at start-up.
/// </summary>
public sealed class EngineServiceOptions : IValidatableObject
{
    public const string Section = "Engine";

    [RegularExpression("^(inprocess|remote|hybrid)$", ErrorMessage = "Engine:Mode must be inprocess, remote or hybrid.")]
    public string Mode { get; set; } = EngineMode.InProcess;

    /// <summary>A job's stream entry idle this long (its worker stopped renewing it) is reclaimed by another worker.</summary>
    [Range(2, 3600, ErrorMessage = "Engine:WorkerLeaseSeconds must be between 2 and 3600.")]
    public int WorkerLeaseSeconds { get; set; } = 30;

    /// <summary>A UTF-8 text file holding the workers' key (trimmed, at least 32 bytes); required in remote mode.</summary>
    public string? WorkerKeyFile { get; set; }

    /// <summary>Jobs go through the Redis work streams to engine workers (remote and hybrid mode).</summary>
    public bool UsesWorkers => Mode is EngineMode.Remote or EngineMode.Hybrid;

    /// <summary>The web process runs one of those workers itself.</summary>
    public bool IsHybrid => Mode == EngineMode.Hybrid;

    public TimeSpan Lease => TimeSpan.FromSeconds(WorkerLeaseSeconds);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!UsesWorkers)
            yield break;
        if (string.IsNullOrWhiteSpace(WorkerKeyFile))
            yield return new ValidationResult($"Engine:WorkerKeyFile is required when Engine:Mode is {Mode}: a file with the key the workers present.",
                [nameof(WorkerKeyFile)]);
        else if (WorkerKeys.Problem(WorkerKeyFile, "Engine:WorkerKeyFile") is { } problem)
            yield return new ValidationResult(problem, [nameof(WorkerKeyFile)]);
    }
}
