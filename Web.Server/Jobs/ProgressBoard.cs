using System.Collections.Concurrent;
using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.Jobs;

/// <summary>
/// The latest progress of running jobs and their last few previews, in memory: previews are served by URL
/// (<c>/previews/{job}/{step}.png</c>) rather than pushed, and are of no use once a job ends.
/// </summary>
public sealed class ProgressBoard
{
    private const int PreviewsKept = 3;

    private readonly ConcurrentDictionary<Guid, Live> _jobs = new();

    public static string PreviewUrl(Guid jobId, int step) => $"/previews/{jobId:N}/{step}.png";

    public string StorePreview(Guid jobId, int step, byte[] png)
    {
        var live = _jobs.GetOrAdd(jobId, _ => new Live());
        lock (live)
        {
            live.Previews.Add((step, png));
            if (live.Previews.Count > PreviewsKept)
                live.Previews.RemoveAt(0);
        }

        return PreviewUrl(jobId, step);
    }

    /// <summary>
    /// Records a step of a running job, wherever it ran, with its preview when one came: the one place a step becomes
    /// the web's <see cref="ProgressEvent"/> (with the time left, extrapolated from the steps so far). Returns it to publish.
    /// </summary>
    public ProgressEvent Step(Guid jobId, int step, int totalSteps, int timestep, long elapsedMs, string phase, byte[]? previewPng)
    {
        var previewUrl = previewPng is { Length: > 0 } png ? StorePreview(jobId, step, png) : LatestPreviewUrl(jobId);
        var etaMs = step > 0 ? elapsedMs * (totalSteps - step) / step : 0;
        var progress = new ProgressEvent(jobId, step, totalSteps, timestep, elapsedMs, Math.Max(0, etaMs), previewUrl, phase);
        Report(progress);
        return progress;
    }

    public void Report(ProgressEvent progress) => _jobs.GetOrAdd(progress.JobId, _ => new Live()).Latest = progress;

    public ProgressEvent? Latest(Guid jobId) => _jobs.TryGetValue(jobId, out var live) ? live.Latest : null;

    public string? LatestPreviewUrl(Guid jobId)
    {
        if (!_jobs.TryGetValue(jobId, out var live))
            return null;
        lock (live)
            return live.Previews.Count == 0 ? null : PreviewUrl(jobId, live.Previews[^1].Step);
    }

    public byte[]? Preview(Guid jobId, int step)
    {
        if (!_jobs.TryGetValue(jobId, out var live))
            return null;
        lock (live)
            return live.Previews.FirstOrDefault(p => p.Step == step).Png;
    }

    public void Clear(Guid jobId) => _jobs.TryRemove(jobId, out _);

    private sealed class Live
    {
        public List<(int Step, byte[] Png)> Previews { get; } = [];

        public ProgressEvent? Latest { get; set; }
    }
}
