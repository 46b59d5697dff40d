using System.Collections.Concurrent;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;

namespace Clap2Diffusion.Tests.Web.Components;

public sealed class FakeCurrentClient(string id = "bunit-client") : ICurrentClient
{
    public Task<string> GetIdAsync() => Task.FromResult(id);
}

/// <summary>A queue that records submissions and answers from a table of jobs the test controls.</summary>
public sealed class FakeJobQueue : IJobQueue
{
    public EngineStatus Status { get; set; } = new(true, null, Engine(), "9.9.9", 60);

    public List<JobRequest> Submitted { get; } = [];

    public Func<JobRequest, SubmitResult>? Answer { get; set; }

    public ConcurrentDictionary<Guid, JobStatus> Jobs { get; } = new();

    public List<Guid> Cancelled { get; } = [];

    public static EngineInfo Engine(bool safety = false, IReadOnlyList<string>? words = null) => new(
        "demo", new string('a', 64), new string('b', 64), "cpu float32", true, words ?? ["dog", "rain"], safety, ["ddim", "euler"],
        new GenerationSettings { Steps = 10, Width = 64, Height = 64 }, GenerationLimits.Default with { MaxSteps = 30, MaxSide = 512 });

    public Task<RunEstimate> EstimateAsync(GenerationSettings settings, JobKind kind, CancellationToken cancellationToken = default) =>
        Task.FromResult(new RunEstimate(TimeSpan.FromSeconds(settings.Steps * (kind == JobKind.Pair ? 2 : 1)), TimeSpan.FromSeconds(30), 2));

    public Task<SubmitResult> SubmitAsync(string clientId, JobRequest request, CancellationToken cancellationToken = default)
    {
        Submitted.Add(request);
        var result = Answer?.Invoke(request) ?? Queue(request);
        return Task.FromResult(result);
    }

    private SubmitResult Queue(JobRequest request)
    {
        var id = Guid.NewGuid();
        Jobs[id] = Job(id, request.Kind, JobState.Queued, request.Settings with { Seed = request.Settings.Seed ?? 77 }) with { Position = 3 };
        return new SubmitResult(id, 3, null, null, []);
    }

    public static JobStatus Job(Guid id, JobKind kind, JobState state, GenerationSettings settings, bool mine = true) =>
        new(id, mine, kind, state, null, settings, null, null, null, null, DateTimeOffset.UtcNow, null, null, null, null);

    public Task<JobStatus?> GetAsync(Guid jobId, string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Jobs.TryGetValue(jobId, out var job) ? job : null);

    public Task<IReadOnlyList<JobStatus>> ListActiveAsync(string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<JobStatus>>(Jobs.Values.Where(j => !j.IsFinished).ToList());

    public Task<OwnerActionResult> CancelAsync(string clientId, Guid jobId, CancellationToken cancellationToken = default)
    {
        Cancelled.Add(jobId);
        return Task.FromResult(OwnerActionResult.Done);
    }

    public Task<OwnerActionResult> SkipAsync(string clientId, Guid jobId, CancellationToken cancellationToken = default) =>
        Task.FromResult(OwnerActionResult.NotApplicable);
}

public sealed class FakeJobEvents : IJobEvents
{
    private readonly ConcurrentDictionary<Guid, List<Func<JobEvent, Task>>> _handlers = new();

    public int Subscribers(Guid jobId) => _handlers.TryGetValue(jobId, out var list) ? list.Count : 0;

    public IDisposable Subscribe(Guid jobId, Func<JobEvent, Task> handler)
    {
        _handlers.GetOrAdd(jobId, _ => []).Add(handler);
        return new Unsubscriber(() => _handlers[jobId].Remove(handler));
    }

    public async Task PublishAsync(JobEvent jobEvent)
    {
        foreach (var handler in _handlers.GetValueOrDefault(jobEvent.JobId)?.ToList() ?? [])
            await handler(jobEvent);
    }

    private sealed class Unsubscriber(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}

public sealed class FakeGallery : IGalleryStore
{
    public List<GalleryItem> Items { get; } = [];

    public List<GalleryQuery> Queries { get; } = [];

    public List<(Guid JobId, RatingInput Rating)> Ratings { get; } = [];

    public Task<GalleryPage> QueryAsync(GalleryQuery query, string clientId, int skip, int take, CancellationToken cancellationToken = default)
    {
        Queries.Add(query);
        var matching = Items.Where(i => query.Text is null || i.Job.Settings.Prompt.Contains(query.Text, StringComparison.OrdinalIgnoreCase)).ToList();
        return Task.FromResult(new GalleryPage(matching.Skip(skip).Take(take).ToList(), matching.Count));
    }

    public Task<GalleryItem?> GetAsync(Guid jobId, string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Items.FirstOrDefault(i => i.Job.Id == jobId));

    public Task<OwnerActionResult> DeleteAsync(string clientId, Guid jobId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Items.RemoveAll(i => i.Job.Id == jobId) > 0 ? OwnerActionResult.Done : OwnerActionResult.NotFound);

    public Task<RatingSummary?> RateAsync(string clientId, Guid jobId, RatingInput rating, CancellationToken cancellationToken = default)
    {
        Ratings.Add((jobId, rating));
        return Task.FromResult<RatingSummary?>(new RatingSummary(
            Ratings.Count(r => r.Rating.Verdict == AudioVerdict.Improved), Ratings.Count(r => r.Rating.Verdict == AudioVerdict.NoDifference),
            Ratings.Count(r => r.Rating.Verdict == AudioVerdict.Worse), rating.PromptFidelity, rating.SceneFit, rating));
    }
}

/// <summary>Background work the test sets, with subscribers it can notify.</summary>
public sealed class FakeEngineActivity : IEngineActivity
{
    private readonly List<Func<BackgroundWork?, Task>> _handlers = [];

    public BackgroundWork? Current { get; private set; }

    public IDisposable Subscribe(Func<BackgroundWork?, Task> handler)
    {
        _handlers.Add(handler);
        return new Unsubscribe(() => _handlers.Remove(handler));
    }

    public async Task SetAsync(BackgroundWork? work)
    {
        Current = work;
        foreach (var handler in _handlers.ToList())
            await handler(work);
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}

public sealed class FakeExamples : IExampleSounds
{
    public ExampleSet Current { get; set; } = ExampleSet.None;

    public List<string> Used { get; } = [];

    public Task<ExampleUse> UseAsync(string clientId, string exampleId, CancellationToken cancellationToken = default)
    {
        Used.Add(exampleId);
        return Task.FromResult(Current.Sounds.FirstOrDefault(s => s.Id == exampleId) is { } sound
            ? new ExampleUse(new AudioClip(Guid.NewGuid(), $"{exampleId}.wav", sound.StoredUrl, 10, 48_000, 1, 960_044), null)
            : new ExampleUse(null, $"There is no example '{exampleId}'."));
    }
}

/// <summary>Prepares every image as the hash of its name or bytes' length, and records what it was asked.</summary>
public sealed class FakeEditImages : IEditImages
{
    public List<(string Source, int Width, int Height)> Prepared { get; } = [];

    public long MaxBytes => 1_000_000;

    public Task<ImagePreparation> PrepareAsync(byte[] bytes, int width, int height, CancellationToken cancellationToken = default) =>
        Task.FromResult(Prepare($"upload-{bytes.Length}", width, height));

    public Task<ImagePreparation> PrepareStoredAsync(string hash, int width, int height, CancellationToken cancellationToken = default) =>
        Task.FromResult(Prepare(hash, width, height));

    private ImagePreparation Prepare(string source, int width, int height)
    {
        Prepared.Add((source, width, height));
        var hash = $"{source}-{width}x{height}";
        return new ImagePreparation(new PreparedImage(hash, $"/media/{hash}.png", width, height), null);
    }
}
