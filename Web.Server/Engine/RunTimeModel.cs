using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Serving;

namespace Clap2Diffusion.Server.Engine;

/// <summary>
/// How long a job takes, learned from the time steps actually took per megapixel (an exponential average, starting
/// from the first measured job), whether the jobs ran in this process or on engine workers.
/// </summary>
public sealed class RunTimeModel
{
    // What a job costs beyond its steps (text and audio encoding, decoding, PNG); not learned, it is small beside the steps.
    private const double FixedSeconds = 0.5;

    private readonly Lock _gate = new();
    private double? _secondsPerStepPerMegapixel;

    public TimeSpan Estimate(GenerationSettings settings, JobKind kind)
    {
        double perStep;
        lock (_gate)
            perStep = _secondsPerStepPerMegapixel ?? 1.0;
        return TimeSpan.FromSeconds(FixedSeconds + StepsRun(settings, kind) * perStep * Megapixels(settings));
    }

    /// <summary>Learns from <paramref name="steps"/> denoising steps (the whole job's count) that took <paramref name="spent"/>.</summary>
    public void Learn(GenerationSettings settings, int steps, TimeSpan spent)
    {
        if (steps <= 0 || spent <= TimeSpan.Zero)
            return;
        var measured = spent.TotalSeconds / steps / Megapixels(settings);
        lock (_gate)
            _secondsPerStepPerMegapixel = _secondsPerStepPerMegapixel is { } known ? 0.7 * known + 0.3 * measured : measured;
    }

    /// <summary>Learns from a finished job's "generate" stage, as a remote worker reports it.</summary>
    public void Learn(GenerationSettings settings, JobKind kind, IReadOnlyList<StageTiming> stages)
    {
        if (stages.FirstOrDefault(s => s.Name == "generate") is { } generate)
            Learn(settings, StepsRun(settings, kind), TimeSpan.FromMilliseconds(generate.Milliseconds));
    }

    // An edit starts part-way down the schedule and runs only the last strength x steps, rounded as the pipeline rounds;
    // a pair runs the loop twice.
    private static int StepsRun(GenerationSettings settings, JobKind kind) =>
        (kind == JobKind.Pair ? 2 : 1)
        * (settings.InitImage is null ? settings.Steps : (int)Math.Min(settings.Steps, Math.Round(settings.Steps * settings.Strength)));

    private static double Megapixels(GenerationSettings settings) => Math.Max(settings.Width * settings.Height / 1e6, 0.004);
}
