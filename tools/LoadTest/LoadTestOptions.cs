namespace Clap2Diffusion.LoadTest;

/// <summary>What one load test does: <see cref="Users"/> simulated users each queue <see cref="JobsPerUser"/> jobs.</summary>
public sealed record LoadTestOptions
{
    public Uri Server { get; init; } = new("http://localhost:5080/");
    public int Users { get; init; } = 20;
    public int JobsPerUser { get; init; } = 3;
    /// <summary>Steps per job; null keeps the server's default.</summary>
    public int? Steps { get; init; }
    /// <summary>Pairs need audio; null makes pairs when the model supports audio.</summary>
    public bool? Pairs { get; init; }
    /// <summary>A 16-bit PCM WAV to send; null sends a generated two-second tone.</summary>
    public string? AudioPath { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(60);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    public static LoadTestOptions Parse(string[] args)
    {
        var options = new LoadTestOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--url" => options with { Server = new Uri(Next().TrimEnd('/') + "/") },
                "--users" => options with { Users = Positive(Next(), "--users") },
                "--jobs" => options with { JobsPerUser = Positive(Next(), "--jobs") },
                "--steps" => options with { Steps = Positive(Next(), "--steps") },
                "--pairs" => options with { Pairs = true },
                "--text-only" => options with { Pairs = false },
                "--audio" => options with { AudioPath = Next() },
                "--timeout-minutes" => options with { Timeout = TimeSpan.FromMinutes(Positive(Next(), "--timeout-minutes")) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return options;
    }

    public const string Usage =
        "usage: load-test [--url http://localhost:5080] [--users 20] [--jobs 3] [--steps N] [--pairs | --text-only] " +
        "[--audio clip.wav] [--timeout-minutes 60]";

    private static int Positive(string text, string name) =>
        int.TryParse(text, out var value) && value > 0 ? value : throw new ArgumentException($"{name} must be a positive whole number.");
}
