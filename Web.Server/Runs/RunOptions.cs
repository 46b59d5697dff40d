using System.ComponentModel.DataAnnotations;

namespace Clap2Diffusion.Server.Runs;

/// <summary>The "Training" section: where datasets may be chosen from, where runs write, and whether training yields.</summary>
public sealed class RunOptions
{
    public const string Section = "Training";

    /// <summary>Dataset folders must lie under one of these; the admin console browses only these.</summary>
    public string[] DatasetRoots { get; set; } = [];

    /// <summary>Runs write their checkpoints, samples and reports here; relative paths start at the data folder.</summary>
    [Required(AllowEmptyStrings = false)]
    public string OutputFolder { get; set; } = "runs";

    /// <summary>
    /// False (the default): a running training or evaluation steps aside at its next step boundary whenever a
    /// generation job is waiting, so the studio stays usable. True: it keeps the engine until it ends.
    /// </summary>
    public bool Exclusive { get; set; }

    /// <summary>Denoising steps of each sample image a training run makes (every <c>SamplesEvery</c> steps).</summary>
    /// <summary>
    /// Starts of one training or evaluation run the server may die in before the run is given up: a run found running
    /// after a restart (the process ended under it) is queued again until it has been started this many times.
    /// </summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 2;

    [Range(1, 1000)]
    public int SampleSteps { get; set; } = 20;

    /// <summary>Validation pairs drawn at each sampling step, each as an audio-conditioned and a text-only image; 0 for none.</summary>
    [Range(0, 16)]
    public int SamplePairs { get; set; } = 2;
}
