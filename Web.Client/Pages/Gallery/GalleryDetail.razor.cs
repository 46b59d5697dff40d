using System.Globalization;
using Clap2Diffusion.Client.Components;
using Clap2Diffusion.Client.Contracts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Clap2Diffusion.Client.Pages.Gallery;

/// <summary>One generation: zoom and compare, its sound, settings and timings, reuse, download, rating, deletion.</summary>
public partial class GalleryDetail
{
    private GalleryItem? _item;
    private bool _loaded;
    private double _zoom = 1;
    private CompareMode _mode = CompareMode.Slider;
    private string? _problem;
    private string _clientId = "";

    [Inject] private IGalleryStore Store { get; set; } = default!;

    [Inject] private ICurrentClient CurrentClient { get; set; } = default!;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Parameter] public Guid Id { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _clientId = await CurrentClient.GetIdAsync();
        _item = await Store.GetAsync(Id, _clientId);
        _loaded = true;
    }

    private void RatingsChanged(RatingSummary summary)
    {
        if (_item is not null)
            _item = _item with { Ratings = summary };
    }

    private async Task DeleteAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete this generation?",
            "Its images are deleted for good, and so is its sound clip unless another of your generations uses it.",
            yesText: "Delete", cancelText: "Keep");
        if (confirmed != true)
            return;
        var result = await Store.DeleteAsync(_clientId, Id);
        if (result is OwnerActionResult.Done or OwnerActionResult.NotFound)
            Navigation.NavigateTo("/gallery");
        else
            _problem = result == OwnerActionResult.NotOwner ? "Only its owner can delete a generation." : "Finish or cancel the job first.";
    }

    private static IEnumerable<(string Name, string Value)> Facts(JobStatus job)
    {
        var s = job.Settings;
        string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
        if (s.NegativePrompt.Length > 0)
            yield return ("Negative prompt", s.NegativePrompt);
        yield return ("Kind", job.Kind == JobKind.Pair ? "pair (text-only and audio-conditioned, same seed)" : "text-only");
        yield return ("Seed", s.Seed?.ToString(CultureInfo.InvariantCulture) ?? "random");
        yield return ("Steps", $"{s.Steps}, {s.Scheduler}");
        yield return ("Size", $"{s.Width} × {s.Height}");
        yield return ("Guidance", $"text {N(s.TextGuidance)}, audio {N(s.AudioGuidance)}");
        if (s.InitImage is not null)
            yield return ("Edit strength", $"{N(s.Strength)} (0 keeps the starting image, 1 redraws it)");
        yield return ("Audio strength", $"{N(s.AudioStrength)} (down {N(s.AudioLevels.Down)}, mid {N(s.AudioLevels.Mid)}, up {N(s.AudioLevels.Up)})");
        if (s.Loras is { Count: > 0 } loras)
            yield return ("LoRA", string.Join(", ", loras.Select(l => $"{l.Name} × {N(l.Scale)}")));
        yield return ("Created", job.CreatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        if (job.Timings is { } timings)
        {
            yield return ("Waited", $"{timings.QueuedMs / 1000:0.0} s");
            yield return ("Ran", $"{timings.RunMs / 1000:0.0} s");
            foreach (var stage in timings.Stages)
                yield return ($"· {stage.Name}", $"{stage.Milliseconds / 1000:0.00} s");
        }
    }
}
