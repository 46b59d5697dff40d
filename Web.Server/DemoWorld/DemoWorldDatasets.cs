using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Worlds;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Persistence;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.DemoWorld;

/// <summary>
/// <see cref="IDemoWorld"/>: offered while the active base model reads the demo world (it carries the demo
/// classifier, as the embedded demo model does). The dataset is built by the engine's
/// <see cref="DemoWorldDataset.BuildOnce"/> on a thread of its own (the world is torch-free, so the engine thread
/// stays free for jobs), the first time an admin chooses it; a finished build is found again after a restart.
/// </summary>
public sealed class DemoWorldDatasets : IDemoWorld
{
    /// <summary>The seed <c>demo build</c> uses, so clip i of the dataset is the clip i the demo model's adapters saw.</summary>
    public const ulong Seed = 20261125UL;

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly IReadOnlyDictionary<string, int> _splits;
    private readonly ActiveModels _models;
    private readonly DemoWorldEvents _events;
    private readonly CancellationToken _stopping;
    private readonly ILogger<DemoWorldDatasets> _logger;
    private readonly Lock _gate = new();
    private volatile DemoWorldStatus _built;
    private long _lastProgressTicks;

    public DemoWorldDatasets(IOptions<DemoWorldOptions> options, StoragePaths storage, ActiveModels models, DemoWorldEvents events,
        IHostApplicationLifetime lifetime, ILogger<DemoWorldDatasets> logger)
    {
        Folder = Path.GetFullPath(options.Value.Folder, storage.DataFolder);
        _splits = options.Value.Splits();
        _models = models;
        _events = events;
        _stopping = lifetime.ApplicationStopping;
        _logger = logger;
        _built = Found();
    }

    /// <summary>Where the dataset is (or will be) built.</summary>
    public string Folder { get; }

    public int TrainClips => _splits.GetValueOrDefault("train");

    /// <summary>The build running now; null when none is.</summary>
    public Task? Build { get; private set; }

    public DemoWorldStatus Status => Unavailability() is { } reason ? new DemoWorldStatus(DemoWorldState.Unavailable, 0, 0, null, reason) : _built;

    public TrainingSettings TrainingDefaults => DemoWorldDefaults.Training with { DatasetFolder = _built.Folder ?? "" };

    public EvaluationRunSettings EvaluationDefaults => DemoWorldDefaults.Evaluation;

    public TimeSpan TrainingEstimate => DemoWorldDefaults.TrainingEstimate;

    public DemoWorldStatus Prepare()
    {
        if (Status is { State: DemoWorldState.Unavailable } unavailable)
            return unavailable;
        lock (_gate)
        {
            if (_built.State == DemoWorldState.Ready && !SyntheticWorlds.BuiltIn.Dataset.IsComplete(Folder, _splits, Seed))
                _built = Found();
            if (_built.State is DemoWorldState.Ready or DemoWorldState.Building)
                return _built;
            Set(new DemoWorldStatus(DemoWorldState.Building, 0, _splits.Values.Sum(), null, null));
            Build = Task.Factory.StartNew(BuildNow, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            return _built;
        }
    }

    public IDisposable Subscribe(Func<DemoWorldStatus, Task> handler) => _events.SubscribeAll(handler);

    private void BuildNow()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            _logger.LogInformation("Building the demo world dataset ({Clips} clips) in {Folder}", _splits.Values.Sum(), Folder);
            SyntheticWorlds.BuiltIn.Dataset.BuildOnce(Folder, _splits, Seed, Progress, _stopping);
            Set(Found());
            _logger.LogInformation("Demo world dataset built in {Seconds:F1} s", clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            Set(Found());
        }
        catch (Exception exception)
        {
            _logger.LogError(exception, "The demo world dataset could not be built in {Folder}", Folder);
            Set(new DemoWorldStatus(DemoWorldState.Failed, 0, _splits.Values.Sum(), null,
                $"The demo world dataset could not be built in {Folder}: {exception.Message}"));
        }
        finally
        {
            Build = null;
        }
    }

    private void Progress(int done, int total)
    {
        var now = Environment.TickCount64;
        if (done < total && now - Interlocked.Read(ref _lastProgressTicks) < ProgressInterval.TotalMilliseconds)
            return;
        Interlocked.Exchange(ref _lastProgressTicks, now);
        Set(new DemoWorldStatus(DemoWorldState.Building, done, total, null, null));
    }

    private void Set(DemoWorldStatus status)
    {
        _built = status;
        _events.Publish(status);
    }

    private DemoWorldStatus Found() =>
        SyntheticWorlds.BuiltIn.Dataset.IsComplete(Folder, _splits, Seed)
            ? new DemoWorldStatus(DemoWorldState.Ready, _splits.Values.Sum(), _splits.Values.Sum(), Folder, null)
            : new DemoWorldStatus(DemoWorldState.NotBuilt, 0, _splits.Values.Sum(), null, null);

    private string? Unavailability()
    {
        var model = _models.Current.Model;
        return Directory.Exists(Path.Combine(model, SyntheticWorlds.BuiltIn.ClassifierFolderName))
            ? null
            : $"The active base model ({model}) was not trained on the demo world (it has no {SyntheticWorlds.BuiltIn.ClassifierFolderName}/ folder); " +
              "the demo world is offered with the demo model.";
    }
}
