using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace Clap2Diffusion.Client.Components;

public enum CompareMode
{
    Slider,
    SideBySide,
}

/// <summary>
/// A pair side by side or under an A/B slider: the text-only image drawn over the audio-conditioned one and
/// clipped at the slider's position. A single image when there is no pair.
/// </summary>
public partial class PairCompare
{
    [Parameter, EditorRequired] public string TextOnlyUrl { get; set; } = "";

    [Parameter] public string? AudioConditionedUrl { get; set; }

    [Parameter] public double Zoom { get; set; } = 1;

    [Parameter] public CompareMode Mode { get; set; } = CompareMode.Slider;

    [Parameter] public EventCallback<CompareMode> ModeChanged { get; set; }

    /// <summary>Percent of the width where the text-only image ends.</summary>
    public int Split { get; private set; } = 50;

    private string ZoomStyle => Zoom == 1 ? "" : $"transform: scale({Zoom.ToString(CultureInfo.InvariantCulture)}); transform-origin: top left;";

    private void OnSplit(ChangeEventArgs change)
    {
        if (int.TryParse(change.Value?.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var split))
            Split = Math.Clamp(split, 0, 100);
    }
}
