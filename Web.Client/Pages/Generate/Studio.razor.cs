using Clap2Diffusion.Client.Components;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Generation;
using Microsoft.AspNetCore.Components;

namespace Clap2Diffusion.Client.Pages.Generate;

/// <summary>
/// The generation studio. Jobs run in the server's queue, outside this circuit: the page subscribes to the
/// job's events after its first render, re-renders at most every <see cref="RenderInterval"/> while steps
/// stream in, and unsubscribes when it goes away.
/// </summary>
public partial class Studio : IDisposable
{
    public static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(100);

    private EngineStatus _status = default!;
    private GenerationForm _form = new();
    private AudioClip? _clip;
    private ExampleSet _examples = ExampleSet.None;
    private bool _usingExample;
    private string _clientId = "";
    private JobStatus? _job;
    private ProgressEvent? _progress;
    private int? _position;
    private RatingSummary _ratings = RatingSummary.None;
    private long? _lastSeed;
    private RunEstimate? _estimate;
    private IReadOnlyList<string> _problems = [];
    private string? _actionProblem;
    private bool _submitting;
    private bool _editMode;
    private PreparedImage? _editImage;
    private double _strength = EditStrength.Default;
    private string? _editProblem;
    private IDisposable? _subscription;
    private RenderThrottle? _throttle;

    [Inject] private IJobQueue Queue { get; set; } = default!;

    [Inject] private IJobEvents Events { get; set; } = default!;

    [Inject] private IGalleryStore Gallery { get; set; } = default!;

    [Inject] private ICurrentClient CurrentClient { get; set; } = default!;

    [Inject] private IExampleSounds Examples { get; set; } = default!;

    [Inject] private IEditImages EditImages { get; set; } = default!;

    /// <summary>A gallery item whose settings (and, for one's own items, audio) the studio starts from.</summary>
    [SupplyParameterFromQuery(Name = "reuse")] public Guid? Reuse { get; set; }

    /// <summary>A gallery item whose image (the audio-conditioned one of a pair) the studio opens in edit mode.</summary>
    [SupplyParameterFromQuery(Name = "edit")] public Guid? Edit { get; set; }

    private JobKind IntendedKind => _clip is null ? JobKind.TextOnly : JobKind.Pair;

    private string EstimateText => _estimate is not { } estimate || !_status.Ready
        ? ""
        : $"Estimated run time: about {Seconds(estimate.Run.TotalMilliseconds)}" +
          (estimate.JobsAhead == 0 ? ", nothing waiting ahead." : $", after {estimate.JobsAhead} job(s) ahead (about {Seconds(estimate.Wait.TotalMilliseconds)}).");

    protected override async Task OnInitializedAsync()
    {
        _throttle = new RenderThrottle(RenderInterval, () => InvokeAsync(StateHasChanged));
        _status = Queue.Status;
        _clientId = await CurrentClient.GetIdAsync();
        _examples = Examples.Current;
        _form = GenerationForm.From(_status.Info?.Defaults ?? new GenerationSettings());
        if (Reuse is { } reuse && await Gallery.GetAsync(reuse, _clientId) is { } item)
        {
            _form = GenerationForm.From(item.Job.Settings);
            if (item.Job.IsMine)
                _clip = item.Job.Audio;
        }
        if (Edit is { } edit)
            await StartEditAsync(edit);
    }

    private async Task StartEditAsync(Guid jobId)
    {
        _editMode = true;
        if (await Gallery.GetAsync(jobId, _clientId) is not { Job.Images: { } images } item)
        {
            _editProblem = "That gallery image no longer exists; choose an image to edit instead.";
            return;
        }

        _form.Prompt = item.Job.Settings.Prompt;
        var prepared = await EditImages.PrepareStoredAsync(HashOf(images.AudioConditionedUrl ?? images.TextOnlyUrl), _form.Width, _form.Height);
        (_editImage, _editProblem) = (prepared.Image, prepared.Problem);
    }

    // Media URLs are /media/{hash}.{extension}.
    private static string HashOf(string mediaUrl) => mediaUrl[(mediaUrl.LastIndexOf('/') + 1)..mediaUrl.LastIndexOf('.')];

    private static string ResultHeading(JobStatus job) => (job.Kind, job.Settings.InitImage) switch
    {
        (JobKind.Pair, not null) => "The edit pair",
        (JobKind.Pair, null) => "The pair",
        (_, not null) => "The edit",
        _ => "The image",
    };

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
            return;
        var active = await Queue.ListActiveAsync(_clientId);
        if (active.Count > 0)
            await WatchAsync(active[^1].Id);
        await RefreshEstimateAsync();
        StateHasChanged();
    }

    private async Task ClipChangedAsync(AudioClip? clip)
    {
        _clip = clip;
        await RefreshEstimateAsync();
    }

    private async Task UseExampleAsync(ExampleSounds.ExampleChoice choice)
    {
        _usingExample = true;
        _problems = [];
        try
        {
            var use = await Examples.UseAsync(_clientId, choice.Sound.Id);
            if (use.Clip is not { } clip)
            {
                _problems = [use.Problem ?? "The example could not be used."];
                return;
            }

            _clip = clip;
            if (choice.Prompt is { } prompt)
                _form.Prompt = prompt;
            await RefreshEstimateAsync();
        }
        finally
        {
            _usingExample = false;
        }
    }

    private void AddWord(string word) => _form.Prompt = $"{_form.Prompt.TrimEnd()} {word}".Trim();

    private async Task RefreshEstimateAsync()
    {
        if (_status.Ready)
            _estimate = await Queue.EstimateAsync(_editMode && _editImage is { } image
                ? _form.ToSettings(_lastSeed) with { InitImage = image.Hash, Strength = _strength }
                : _form.ToSettings(_lastSeed), IntendedKind);
    }

    private async Task GenerateAsync(JobKind kind)
    {
        _problems = [];
        _actionProblem = null;
        if (_status.Info is not { } info)
            return;
        var settings = _form.ToSettings(_lastSeed);
        if (_editMode)
        {
            if (_editImage is null)
            {
                _problems = ["Choose an image to edit first, or switch off \"Edit with a sound\"."];
                return;
            }

            // The image was cropped for the size it was chosen at; a changed size needs a new crop.
            if ((_editImage.Width, _editImage.Height) != (settings.Width, settings.Height)
                && info.Limits.Check(settings, info.Schedulers).Count == 0)
            {
                var prepared = await EditImages.PrepareStoredAsync(_editImage.Hash, settings.Width, settings.Height);
                (_editImage, _editProblem) = (prepared.Image ?? _editImage, prepared.Problem);
            }

            settings = settings with { InitImage = _editImage.Hash, Strength = _strength };
        }
        var problems = info.Limits.Check(settings, info.Schedulers).ToList();
        if (kind == JobKind.Pair && _clip is null)
            problems.Add("Add a sound first: a pair needs one.");
        if (problems.Count > 0)
        {
            _problems = problems;
            return;
        }

        _submitting = true;
        try
        {
            var result = await Queue.SubmitAsync(_clientId, new JobRequest(settings, kind == JobKind.Pair ? _clip!.Id : null));
            if (!result.Accepted)
            {
                _problems = result.Messages;
                return;
            }

            await WatchAsync(result.JobId!.Value);
        }
        finally
        {
            _submitting = false;
        }
    }

    private async Task WatchAsync(Guid jobId)
    {
        _subscription?.Dispose();
        _progress = null;
        _position = null;
        _ratings = RatingSummary.None;
        _subscription = Events.Subscribe(jobId, OnJobEvent);
        _job = await Queue.GetAsync(jobId, _clientId);
        _progress = _job?.LastProgress;
        _position = _job?.Position;
        if (_job is { IsFinished: true })
            await FinishedAsync();
    }

    /// <summary>
    /// Runs on the event pump's thread: state changes are handed to the renderer's dispatcher (which keeps their
    /// order) without waiting for it, so a slow circuit never holds up other subscribers.
    /// </summary>
    private Task OnJobEvent(JobEvent jobEvent)
    {
        _ = jobEvent switch
        {
            QueuePositionEvent position => InvokeAsync(() =>
            {
                _position = position.Position;
                MarkRunning(position.Position == 0);
                return _throttle!.RequestAsync();
            }),
            ProgressEvent progress => InvokeAsync(() =>
            {
                _progress = progress;
                MarkRunning(true);
                return _throttle!.RequestAsync();
            }),
            _ => InvokeAsync(async () =>
            {
                _job = await Queue.GetAsync(jobEvent.JobId, _clientId);
                await FinishedAsync();
                await _throttle!.RequestAsync(immediate: true);
            }),
        };
        return Task.CompletedTask;
    }

    private void MarkRunning(bool running)
    {
        if (running && _job is { State: JobState.Queued })
            _job = _job with { State = JobState.Running, Position = 0 };
    }

    private async Task FinishedAsync()
    {
        if (_job is not { State: JobState.Completed } job)
            return;
        _lastSeed = job.Settings.Seed;
        if (job.Kind == JobKind.Pair && await Gallery.GetAsync(job.Id, _clientId) is { } item)
            _ratings = item.Ratings;
        await RefreshEstimateAsync();
    }

    private async Task CancelAsync()
    {
        if (_job is not null)
            _actionProblem = Explain(await Queue.CancelAsync(_clientId, _job.Id), "it has already started; skip it instead");
    }

    private async Task SkipAsync()
    {
        if (_job is not null)
            _actionProblem = Explain(await Queue.SkipAsync(_clientId, _job.Id), "it is not running any more");
    }

    private static string? Explain(OwnerActionResult result, string notApplicable) => result switch
    {
        OwnerActionResult.Done => null,
        OwnerActionResult.NotOwner => "Only the job's owner can do that.",
        OwnerActionResult.NotFound => "The job no longer exists.",
        _ => $"Not possible now: {notApplicable}.",
    };

    private static string Seconds(double? milliseconds) => milliseconds is not { } ms
        ? "?"
        : ms < 60_000 ? $"{Math.Max(1, Math.Round(ms / 1000)):0} s" : $"{Math.Floor(ms / 60_000):0} min {ms / 1000 % 60:0} s";

    public void Dispose()
    {
        _subscription?.Dispose();
        _throttle?.Dispose();
        GC.SuppressFinalize(this);
    }
}
