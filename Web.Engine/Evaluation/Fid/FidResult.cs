using System.Globalization;

namespace Clap2Diffusion.Engine.Evaluation.Fid;

/// <summary>The name and size of an image set behind a FID.</summary>
public sealed record FidSetSummary(string Name, long Count, int Dimensions)
{
    public static FidSetSummary Of(FidStatistics statistics) => new(statistics.Name, statistics.Count, statistics.Dimensions);

    public override string ToString() => $"'{Name}' (N={Count.ToString(CultureInfo.InvariantCulture)})";
}

/// <summary>
/// A FID value with what it was measured on. Published FIDs use pool3 features (2048 dimensions) of at least
/// 2048 images per set (fewer leave the covariance rank-deficient, and FID is biased upwards at small N), so a
/// value outside those conditions says it is not comparable with them.
/// </summary>
public sealed record FidResult(double Value, FidSetSummary Reference, FidSetSummary Candidate, string FeatureSpace,
    bool SingularFallbackApplied)
{
    public const int PublishedMinimumCount = 2048;
    public const int PublishedDimensions = 2048;

    public bool ComparableToPublished =>
        Reference.Count >= PublishedMinimumCount && Candidate.Count >= PublishedMinimumCount && Reference.Dimensions == PublishedDimensions;

    /// <summary>Why the value is not comparable with published FIDs, or null when it is.</summary>
    public string? ComparabilityNote
    {
        get
        {
            if (Reference.Dimensions != PublishedDimensions)
                return $"not comparable to published FID ({Reference.Dimensions}-dimensional features, not pool3)";
            return ComparableToPublished ? null : $"not comparable to published FID (N < {PublishedMinimumCount})";
        }
    }

    public string Summary
    {
        get
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"FID {Value:F4} of {Candidate} against {Reference}");
            if (SingularFallbackApplied)
                text += "; singular covariance product, eps added to both diagonals as pytorch-fid does";
            return ComparabilityNote is { } note ? $"{text}; {note}" : text;
        }
    }

    public override string ToString() => Summary;
}
