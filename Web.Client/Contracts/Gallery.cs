using Clap2Diffusion.Engine.Composition;

namespace Clap2Diffusion.Client.Contracts;

public enum GallerySort
{
    Newest,
    Oldest,
    BestRated,
}

/// <summary>Filters of the gallery; every one is optional.</summary>
public sealed record GalleryQuery(
    string? Text = null,
    PromptAudioRelation? Relation = null,
    bool MineOnly = false,
    bool PairsOnly = false,
    GallerySort Sort = GallerySort.Newest);

public sealed record GalleryItem(JobStatus Job, RatingSummary Ratings);

public sealed record GalleryPage(IReadOnlyList<GalleryItem> Items, int Total);

public enum AudioVerdict
{
    Improved,
    NoDifference,
    Worse,
}

/// <summary>One person's rating of a pair; the 1-5 scores are optional.</summary>
public sealed record RatingInput(AudioVerdict Verdict, int? PromptFidelity, int? SceneFit)
{
    public string? Problem =>
        PromptFidelity is < 1 or > 5 ? "Prompt fidelity is scored from 1 to 5."
        : SceneFit is < 1 or > 5 ? "Scene fit is scored from 1 to 5."
        : null;
}

public sealed record RatingSummary(int Improved, int NoDifference, int Worse, double? MeanPromptFidelity, double? MeanSceneFit, RatingInput? Mine)
{
    public static RatingSummary None { get; } = new(0, 0, 0, null, null, null);

    public int Count => Improved + NoDifference + Worse;
}
