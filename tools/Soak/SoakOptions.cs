using System.Globalization;
using Clap2Diffusion.Engine.Benchmarks;

namespace Clap2Diffusion.Soak;

/// <summary>
/// What one soak runs: the engine's phases (<see cref="SoakPlan"/>, the same as <c>bench --only soak</c>) and
/// <see cref="WebJobs"/> jobs with audio through the hosted server's API, all at the plan's denoising steps.
/// </summary>
public sealed record SoakOptions
{
    public SoakPlan Plan { get; init; } = new();

    public int WebJobs { get; init; } = 100;

    /// <summary>LibTorch intra-op threads, for the engine phases and the server's engine alike; 0 keeps the default.</summary>
    public int Threads { get; init; }

    public long Seed { get; init; } = 1234;

    public TimeSpan WebTimeout { get; init; } = TimeSpan.FromMinutes(90);

    public static SoakOptions Parse(string[] args)
    {
        var options = new SoakOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--training-steps" => options with { Plan = options.Plan with { TrainingSteps = Positive(Next(), "--training-steps") } },
                "--generations" => options with { Plan = options.Plan with { Generations = Positive(Next(), "--generations") } },
                "--pairs" => options with { Plan = options.Plan with { EvaluationPairs = Positive(Next(), "--pairs") } },
                "--denoising-steps" => options with { Plan = options.Plan with { DenoisingSteps = Positive(Next(), "--denoising-steps") } },
                "--web-jobs" => options with { WebJobs = Positive(Next(), "--web-jobs") },
                "--threads" => options with { Threads = Positive(Next(), "--threads") },
                "--seed" => options with { Seed = long.TryParse(Next(), CultureInfo.InvariantCulture, out var seed) ? seed : throw new ArgumentException("--seed must be a whole number.") },
                "--web-timeout-minutes" => options with { WebTimeout = TimeSpan.FromMinutes(Positive(Next(), "--web-timeout-minutes")) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return options;
    }

    public const string Usage =
        "usage: soak [--training-steps 2000] [--generations 300] [--pairs 50] [--web-jobs 100] [--denoising-steps 25] " +
        "[--threads N] [--seed 1234] [--web-timeout-minutes 90]";

    private static int Positive(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} must be a positive whole number.");
}
