using System.Collections.Concurrent;
using System.Diagnostics;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Server.Engine;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>
/// A deterministic stand-in for the diffusion engine: every step sleeps <see cref="StepDelay"/> and offers a
/// preview whose colour depends on the step; images depend on the seed. Prompts containing "explode" fail
/// with an engine fault, "unreadable" with bad input. <see cref="Gate"/> can hold a job before its first step.
/// </summary>
public sealed class TestGenerationBackend : IGenerationBackend
{
    private int _concurrent;

    public TimeSpan StepDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    public string Device { get; init; } = "cuda float16";

    public bool AudioAvailable { get; init; } = true;

    public bool SafetyChecker { get; init; }

    public IReadOnlyList<string> KnownWords { get; init; } = ["dog", "rain", "city"];

    /// <summary>The active adapter folder, read each time the server asks the backend to describe itself.</summary>
    public Func<string?>? ActiveAdapters { get; init; }

    public int Describes => _describes;

    private int _describes;

    /// <summary>Jobs wait here before their first step while it is reset.</summary>
    public ManualResetEventSlim Gate { get; } = new(true);

    /// <summary>Released once each time a job starts running.</summary>
    public SemaphoreSlim Started { get; } = new(0);

    public ConcurrentQueue<Guid> RunOrder { get; } = new();

    public ConcurrentBag<string?> Threads { get; } = [];

    public int MaxConcurrent { get; private set; }

    /// <summary>When set, the backend cannot start: describing itself fails with this message, as a missing or broken model does.</summary>
    public string? StartProblem { get; init; }

    public EngineInfo Describe() => StartProblem is { } problem ? throw new InvalidOperationException(problem) : new(
        "test model", new string('a', 64), AdapterHash(), Device, AudioAvailable, KnownWords, SafetyChecker,
        ["ddim", "euler"],
        new GenerationSettings { Steps = 8, Width = 64, Height = 64, Scheduler = "ddim" },
        new GenerationLimits(MaxSteps: 150, MinSide: 64, MaxSide: 1024, SideMultiple: 8, MaxPromptLength: 1000));

    private string AdapterHash()
    {
        Interlocked.Increment(ref _describes);
        return ActiveAdapters?.Invoke() is { } folder
            ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(folder)))
            : new string('b', 64);
    }

    public TimeSpan Estimate(GenerationSettings settings, JobKind kind) =>
        StepDelay * settings.Steps * (kind == JobKind.Pair ? 2 : 1) + TimeSpan.FromMilliseconds(10);

    public GenerationOutcome Run(GenerationWork work, Action<StepProgress> onStep, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _concurrent);
        MaxConcurrent = Math.Max(MaxConcurrent, now);
        try
        {
            RunOrder.Enqueue(work.JobId);
            Threads.Add(Thread.CurrentThread.Name);
            Started.Release();
            Gate.Wait(cancellationToken);
            if (work.Settings.Prompt.Contains("explode", StringComparison.Ordinal))
                throw new InvalidOperationException("the test backend exploded");
            if (work.Settings.Prompt.Contains("unreadable", StringComparison.Ordinal))
                throw new InputException("The clip could not be decoded.");
            if (work.Kind == JobKind.Pair && (work.AudioPath is null || !File.Exists(work.AudioPath)))
                throw new InvalidOperationException("a pair arrived without its clip");
            if (work.Settings.InitImage is not null && (work.InitImagePath is null || !File.Exists(work.InitImagePath)))
                throw new InvalidOperationException("an edit arrived without its image");

            var clock = Stopwatch.StartNew();
            var total = work.Settings.Steps * (work.Kind == JobKind.Pair ? 2 : 1);
            for (var step = 1; step <= total; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(StepDelay);
                var shade = (byte)(step * 255 / total);
                var phase = work.Kind == JobKind.Pair && step <= total / 2 ? ImageCondition.Audio : ImageCondition.TextOnly;
                onStep(new StepProgress(phase, step, total, 1000 - step * 1000 / total, clock.Elapsed, () => Solid(8, shade)));
            }

            var seed = work.Seed;
            var parameters = $"{work.Settings.Prompt}\nSteps: {work.Settings.Steps}, Seed: {seed}";
            return new GenerationOutcome(
                TinyPng.Solid(16, (byte)(seed % 251), 10, 10, parameters),
                work.Kind == JobKind.Pair ? TinyPng.Solid(16, (byte)(seed % 251), 200, 10, parameters + ", audio") : null,
                seed,
                work.Kind == JobKind.Pair ? PromptAudioRelation.Matching : null,
                [new StageTiming("denoise", clock.Elapsed.TotalMilliseconds)]);
        }
        finally
        {
            Interlocked.Decrement(ref _concurrent);
        }
    }

    private static RgbImage Solid(int side, byte red) =>
        new(side, side, Enumerable.Range(0, side * side * 3).Select(i => i % 3 == 0 ? red : (byte)0).ToArray());
}
