using Bunit;
using Clap2Diffusion.Client.Components;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Client.Pages.Admin.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace Clap2Diffusion.Tests.Web.Components;

/// <summary>
/// Work that ends between a component's first read and its subscription sends its last events to nobody. The page
/// must still show how it ended: a clean-clone run once saw a six-step training run stay "Running" for five minutes
/// on the admin's page.
/// </summary>
public sealed class EndedBeforeSubscribingTests : ComponentTest
{
    private readonly EndsBeforeSubscribing _runs = new();

    protected override void AddServices(IServiceCollection services)
    {
        services.AddSingleton<IRunConsole>(_runs);
        services.AddSingleton<IModelConsole>(new NoModels());
        services.AddSingleton<IEngineActivity>(new WorkEndsOnSubscribe());
    }

    [Fact]
    public void The_background_work_notice_is_not_left_up_for_work_that_ended_before_it_subscribed()
    {
        var notice = Render<BackgroundWorkNotice>();

        Assert.Empty(notice.FindAll("[data-testid=background-work]"));
    }

    [Fact]
    public void A_training_run_that_ended_before_the_page_subscribed_shows_as_completed()
    {
        var page = Render<TrainingRunPage>(parameters => parameters.Add(p => p.Id, _runs.RunId));

        page.WaitForAssertion(() => Assert.Equal("Completed", page.Find("[data-testid=run-state]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal(1, _runs.Subscriptions);
    }

    [Fact]
    public void An_evaluation_that_ended_before_the_page_subscribed_shows_as_completed()
    {
        var page = Render<EvaluationRunPage>(parameters => parameters.Add(p => p.Id, _runs.RunId));

        page.WaitForAssertion(() => Assert.Equal("Completed", page.Find("[data-testid=run-state]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal(1, _runs.Subscriptions);
    }

    /// <summary>Reports the run as running on the first read and completed on every later one, and never publishes.</summary>
    private sealed class EndsBeforeSubscribing : IRunConsole
    {
        private int _reads;

        public Guid RunId { get; } = Guid.NewGuid();

        public int Subscriptions { get; private set; }

        private RunSummary Summary(RunKind kind) => new(RunId, kind, Interlocked.Increment(ref _reads) == 1 ? RunState.Running : RunState.Completed,
            "a short run", 6, 6, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, null);

        public Task<TrainingRunDetail?> GetTrainingAsync(Guid runId, CancellationToken cancellationToken = default) =>
            Task.FromResult<TrainingRunDetail?>(new TrainingRunDetail(Summary(RunKind.Training), new TrainingSettings(), [], [], [], null));

        public Task<EvaluationRunDetail?> GetEvaluationAsync(Guid runId, CancellationToken cancellationToken = default) =>
            Task.FromResult<EvaluationRunDetail?>(new EvaluationRunDetail(Summary(RunKind.Evaluation), new EvaluationRunSettings(),
                new Dictionary<string, double>(), null, []));

        public IDisposable Subscribe(Guid runId, Func<RunEvent, Task> handler)
        {
            Subscriptions++;
            return new CancellationTokenSource();
        }

        public TrainingSettings TrainingDefaults => new();

        public EvaluationRunSettings EvaluationDefaults => new();

        public IReadOnlyList<string> DatasetRoots => [];

        public FolderListing Browse(string? path) => throw new NotSupportedException();

        public Task<DatasetValidation> CheckDatasetAsync(TrainingSettings settings, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<LaunchResult> LaunchTrainingAsync(TrainingSettings settings, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<LaunchResult> LaunchEvaluationAsync(EvaluationRunSettings settings, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<RunSummary>> ListAsync(RunKind kind, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<EvaluationPoint>> EvaluationHistoryAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> CancelAsync(Guid runId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> ResumeAsync(Guid runId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    /// <summary>Training is running until somebody subscribes; it then ends without an event reaching that subscriber.</summary>
    private sealed class WorkEndsOnSubscribe : IEngineActivity
    {
        public BackgroundWork? Current { get; private set; } = new(Guid.NewGuid(), RunKind.Training, "a short run", 3, 6, Exclusive: false);

        public IDisposable Subscribe(Func<BackgroundWork?, Task> handler)
        {
            Current = null;
            return new CancellationTokenSource();
        }
    }

    private sealed class NoModels : IModelConsole
    {
        public IReadOnlyList<string> Roots => [];

        public Task<IReadOnlyList<ModelFolderInfo>> ListAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ModelCheckReport> CheckAsync(string folder, ModelComponent component, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ModelSelection> ActiveAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ActivateResult> ActivateAsync(ModelSelection selection, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
