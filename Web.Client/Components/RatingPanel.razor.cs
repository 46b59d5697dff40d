using System.Globalization;
using Clap2Diffusion.Client.Contracts;
using Microsoft.AspNetCore.Components;

namespace Clap2Diffusion.Client.Components;

/// <summary>Rates a pair (did the audio help?) with optional 1-5 scores, and shows everyone's ratings.</summary>
public partial class RatingPanel
{
    private readonly string _headingId = $"rating-{Guid.NewGuid():N}";
    private AudioVerdict? _verdict;
    private int _promptFidelity;
    private int _sceneFit;
    private bool _saving;
    private bool _saved;
    private string? _problem;
    private Guid _loadedFor;

    [Inject] private IGalleryStore Gallery { get; set; } = default!;

    [Inject] private ICurrentClient CurrentClient { get; set; } = default!;

    [Parameter, EditorRequired] public Guid JobId { get; set; }

    [Parameter] public RatingSummary Summary { get; set; } = RatingSummary.None;

    [Parameter] public EventCallback<RatingSummary> SummaryChanged { get; set; }

    protected override void OnParametersSet()
    {
        if (_loadedFor == JobId)
            return;
        _loadedFor = JobId;
        _saved = false;
        _verdict = Summary.Mine?.Verdict;
        _promptFidelity = Summary.Mine?.PromptFidelity ?? 0;
        _sceneFit = Summary.Mine?.SceneFit ?? 0;
    }

    private string MeanText
    {
        get
        {
            var parts = new List<string>();
            if (Summary.MeanPromptFidelity is { } fidelity)
                parts.Add($"prompt fidelity {fidelity.ToString("0.0", CultureInfo.InvariantCulture)}/5");
            if (Summary.MeanSceneFit is { } fit)
                parts.Add($"scene fit {fit.ToString("0.0", CultureInfo.InvariantCulture)}/5");
            return parts.Count == 0 ? "." : $"; {string.Join(", ", parts)}.";
        }
    }

    private async Task SaveAsync()
    {
        if (_verdict is not { } verdict)
            return;
        _saving = true;
        _problem = null;
        try
        {
            var rating = new RatingInput(verdict, _promptFidelity == 0 ? null : _promptFidelity, _sceneFit == 0 ? null : _sceneFit);
            var summary = await Gallery.RateAsync(await CurrentClient.GetIdAsync(), JobId, rating);
            if (summary is null)
            {
                _problem = "This pair can no longer be rated (it was deleted, or it is not a finished pair).";
                return;
            }

            Summary = summary;
            _saved = true;
            await SummaryChanged.InvokeAsync(summary);
        }
        finally
        {
            _saving = false;
        }
    }
}
