using Clap2Diffusion.Client.Components;
using Clap2Diffusion.Client.Contracts;
using Microsoft.AspNetCore.Components;

namespace Clap2Diffusion.Client.Pages.Admin.Runs;

/// <summary>
/// One training run, live: the run's events trigger a reload of its stored metrics (at most twice a second),
/// so the charts fill as steps are reported, and samples and checkpoints appear as they are written.
/// </summary>
public partial class TrainingRunPage : IDisposable
{
    private static readonly (string Title, Func<string, bool> Matches)[] Groups =
    [
        ("Loss", name => name.StartsWith("loss/", StringComparison.Ordinal)),
        ("Gates", name => name.StartsWith("gate/", StringComparison.Ordinal)),
        ("Hierarchy weights", name => name.StartsWith("hierarchy/", StringComparison.Ordinal)),
        ("Learning rate", name => name == "lr"),
        ("Gradient norm", name => name == "grad_norm"),
        ("Step time (ms)", name => name == "time/step_ms"),
    ];

    private TrainingRunDetail? _detail;
    private bool _loaded;
    private ActivateResult? _activation;
    private IDisposable? _subscription;
    private RenderThrottle? _throttle;

    [Inject] private IRunConsole Runs { get; set; } = default!;

    [Inject] private IModelConsole Models { get; set; } = default!;

    [Parameter] public Guid Id { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _detail = await Runs.GetTrainingAsync(Id);
        _loaded = true;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
            return;
        _throttle = new RenderThrottle(TimeSpan.FromMilliseconds(500), () => InvokeAsync(async () =>
        {
            _detail = await Runs.GetTrainingAsync(Id);
            StateHasChanged();
        }));
        _subscription = Runs.Subscribe(Id, _ => _throttle.RequestAsync());
        // The first load ran before this subscription, so a run that ended in between sent its last events to
        // nobody and the page would show it running for good: load once more now that no later event can be missed.
        await _throttle.RequestAsync();
    }

    public static IEnumerable<(string Title, IReadOnlyList<MetricSeries> Series)> ChartGroups(IReadOnlyList<MetricSeries> metrics)
    {
        foreach (var (title, matches) in Groups)
            yield return (title, metrics.Where(m => matches(m.Name)).ToList());
        // Step bookkeeping (skipped non-finite steps) is a count on the page, not a chart.
        var other = metrics.Where(m => !Groups.Any(g => g.Matches(m.Name)) && !m.Name.StartsWith("steps/", StringComparison.Ordinal)).ToList();
        if (other.Count > 0)
            yield return ("Other", other);
    }

    private async Task CancelAsync()
    {
        await Runs.CancelAsync(Id);
        _detail = await Runs.GetTrainingAsync(Id);
    }

    private async Task ResumeAsync()
    {
        await Runs.ResumeAsync(Id);
        _detail = await Runs.GetTrainingAsync(Id);
    }

    private async Task UseAsync(string folder)
    {
        var active = await Models.ActiveAsync();
        _activation = await Models.ActivateAsync(active with { AdapterFolder = folder });
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _throttle?.Dispose();
        GC.SuppressFinalize(this);
    }
}
