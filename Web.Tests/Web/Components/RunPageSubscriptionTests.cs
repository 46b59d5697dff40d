using Bunit;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Client.Pages.Admin.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace Clap2Diffusion.Tests.Web.Components;

/// <summary>
/// A run page loads its run, renders, and subscribes only after the browser has acknowledged that render. A run
/// that ends in between publishes its last event to nobody: the page must read the run once more after subscribing,
/// or it shows "Running" for good.
/// </summary>
public sealed class RunPageSubscriptionTests : ComponentTest
{
    private static readonly Guid RunId = Guid.NewGuid();
    private int _loads;
    private int _subscriptions;

    private static RunSummary Run(RunKind kind, RunState state) =>
        new(RunId, kind, state, "a run", state == RunState.Completed ? 4 : 1, 4, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, null);

    // The first load sees the run running; it ends before the page subscribes, and no event comes after that.
    private RunState StateNow() => Interlocked.Increment(ref _loads) == 1 ? RunState.Running : RunState.Completed;

    protected override void AddServices(IServiceCollection services)
    {
        services.AddSingleton(ContractProxy<IRunConsole>.Create((method, _) => method.Name switch
        {
            nameof(IRunConsole.GetTrainingAsync) => Task.FromResult<TrainingRunDetail?>(
                new TrainingRunDetail(Run(RunKind.Training, StateNow()), new TrainingSettings(), [], [], [], null)),
            nameof(IRunConsole.GetEvaluationAsync) => Task.FromResult<EvaluationRunDetail?>(
                new EvaluationRunDetail(Run(RunKind.Evaluation, StateNow()), new EvaluationRunSettings(), new Dictionary<string, double>(), null, [])),
            nameof(IRunConsole.Subscribe) => Subscribed(),
            _ => throw new NotSupportedException(method.Name),
        }));
        services.AddSingleton(ContractProxy<IModelConsole>.Create((method, _) => throw new NotSupportedException(method.Name)));
    }

    private IDisposable Subscribed()
    {
        Interlocked.Increment(ref _subscriptions);
        return new NoSubscription();
    }

    [Fact]
    public void A_training_run_that_ends_before_its_page_subscribes_is_shown_completed()
    {
        var page = Render<TrainingRunPage>(p => p.Add(c => c.Id, RunId));

        page.WaitForAssertion(() => Assert.Equal("Completed", page.Find("[data-testid=run-state]").TextContent));
        Assert.Equal(1, _subscriptions);
    }

    [Fact]
    public void An_evaluation_run_that_ends_before_its_page_subscribes_is_shown_completed()
    {
        var page = Render<EvaluationRunPage>(p => p.Add(c => c.Id, RunId));

        page.WaitForAssertion(() => Assert.Equal("Completed", page.Find("[data-testid=run-state]").TextContent));
        Assert.Equal(1, _subscriptions);
    }

    private sealed class NoSubscription : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
