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

    /// <summary>
    /// Empty: load the server at <see cref="Server"/>. Otherwise, for each layout in turn, start Redis, the front end
    /// in remote mode and the workers on loopback, load them, and stop them again.
    /// </summary>
    public IReadOnlyList<WorkerLayout> WorkerLayouts { get; init; } = [];

    /// <summary>The <c>redis-server</c> to start with <see cref="WorkerLayouts"/>; null looks on the PATH.</summary>
    public string? RedisServerPath { get; init; }

    public static LoadTestOptions Parse(string[] args) => Parse(args, Environment.ProcessorCount);

    public static LoadTestOptions Parse(string[] args, int cores)
    {
        var options = new LoadTestOptions();
        string? workers = null;
        int? workerThreads = null;
        var compare = false;
        var urlGiven = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--url" => Url(options with { Server = new Uri(Next().TrimEnd('/') + "/") }),
                "--users" => options with { Users = Positive(Next(), "--users") },
                "--jobs" => options with { JobsPerUser = Positive(Next(), "--jobs") },
                "--steps" => options with { Steps = Positive(Next(), "--steps") },
                "--pairs" => options with { Pairs = true },
                "--text-only" => options with { Pairs = false },
                "--audio" => options with { AudioPath = Next() },
                "--timeout-minutes" => options with { Timeout = TimeSpan.FromMinutes(Positive(Next(), "--timeout-minutes")) },
                "--workers" => Workers(options, Next()),
                "--worker-threads" => WorkerThreads(options, Positive(Next(), "--worker-threads")),
                "--compare-workers" => Compare(options),
                "--redis-server" => options with { RedisServerPath = Next() },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        if (compare && workers is not null)
            throw new ArgumentException("--compare-workers chooses its layouts itself; give it or --workers, not both.");
        if (workerThreads is not null && workers is null)
            throw new ArgumentException("--worker-threads needs --workers.");
        var layouts = compare ? WorkerLayout.Comparison(cores) : workers is null ? [] : WorkerLayout.ParseList(workers, workerThreads, cores);
        if (layouts.Count > 0 && urlGiven)
            throw new ArgumentException("--url loads a server already running; --workers and --compare-workers start their own. Give one or the other.");
        if (layouts.Count == 0 && options.RedisServerPath is not null)
            throw new ArgumentException("--redis-server needs --workers or --compare-workers.");
        return options with { WorkerLayouts = layouts };

        LoadTestOptions Url(LoadTestOptions next)
        {
            urlGiven = true;
            return next;
        }

        LoadTestOptions Workers(LoadTestOptions next, string value)
        {
            workers = value;
            return next;
        }

        LoadTestOptions WorkerThreads(LoadTestOptions next, int value)
        {
            workerThreads = value;
            return next;
        }

        LoadTestOptions Compare(LoadTestOptions next)
        {
            compare = true;
            return next;
        }
    }

    public const string Usage =
        "usage: load-test [--url http://localhost:5080] [--users 20] [--jobs 3] [--steps N] [--pairs | --text-only] " +
        "[--audio clip.wav] [--timeout-minutes 60] [--workers N|NxT[,NxT...] [--worker-threads T] | --compare-workers] " +
        "[--redis-server PATH]\n" +
        "  --workers starts redis-server, the built front end (remote mode) and N serve workers on 127.0.0.1 for each layout " +
        "in turn (dotnet build -c Release first); a bare N gives each worker cores/N threads. --compare-workers is " +
        "--workers 1xC,2x(C/2) for C cores and prints the ratio of their pairs per minute.";

    private static int Positive(string text, string name) =>
        int.TryParse(text, out var value) && value > 0 ? value : throw new ArgumentException($"{name} must be a positive whole number.");
}
