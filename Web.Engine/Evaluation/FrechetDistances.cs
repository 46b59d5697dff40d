using Clap2Diffusion.Engine.Evaluation.Fid;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Evaluation.Sharding;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// FID (or the domain FID) and KID of each variant's images against the source's reference set: for the demo
/// world, ground truth of the same cases rendered afresh at the generated size (the same N); for a dataset,
/// the rows' frames. Every value names its reference set and both N, and says when it is not comparable with
/// published FIDs. The reference image of a case is measured with the case, in its shard; the distances are
/// taken at the merge, FID from the summed sufficient statistics and KID from the feature rows in case order.
/// </summary>
internal static class FrechetDistances
{
    private const int KidMaxSubsetSize = 1000;

    /// <summary>The features of the case's reference image, taken alone so that no batch depends on the shard; null when it has none.</summary>
    public static double[]? ReferenceFeatures(IImageFeatures space, IEvaluationSource source, EvaluationCase evaluationCase, int size)
    {
        if (source.ReferenceImage(evaluationCase, size) is not { } image)
            return null;
        using var scope = NewDisposeScope();
        var features = space.Extract([image]);
        return features.to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
    }

    /// <param name="referenceRows">Per case, in case order: its reference features, or null.</param>
    /// <param name="candidates">Per variant: the merged statistics of its images' features.</param>
    public static List<DistanceResult> Compute(EvaluationShardHeader header, IReadOnlyList<double[]?> referenceRows,
        FidSufficientStatistics? reference, IReadOnlyList<ImageRecord> records, IReadOnlyDictionary<PairVariant, FidSufficientStatistics> candidates,
        IReadOnlyList<PairVariant> variants, List<string> notes, CancellationToken cancellationToken)
    {
        var results = new List<DistanceResult>();
        var distanceName = header.DistanceName!;
        var featureSpace = header.FeatureSpace!;
        var rows = referenceRows.OfType<double[]>().ToList();
        var missing = referenceRows.Count - rows.Count;
        if (missing > 0)
            notes.Add($"{missing} of {referenceRows.Count} cases have no reference image; the reference set holds the other {rows.Count}");
        if (reference is null || rows.Count < 2)
        {
            notes.Add($"{distanceName} skipped: the reference set '{header.ReferenceName}' needs at least 2 images, not {rows.Count}");
            return results;
        }
        var referenceStatistics = reference.ToStatistics(header.ReferenceName);
        var referenceActivations = Activations(rows, featureSpace);
        foreach (var variant in variants)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var variantRows = records.Where(r => r.Variant == variant && r.Features is not null).Select(r => r.Features!).ToList();
            if (variantRows.Count < 2 || !candidates.TryGetValue(variant, out var candidate))
            {
                notes.Add($"{distanceName} of {variant.Name()} images skipped: it needs at least 2 images, not {variantRows.Count}");
                continue;
            }
            try
            {
                var fid = FrechetDistance.Compute(referenceStatistics, candidate.ToStatistics($"{header.RunName} {variant.Name()}"));
                var kid = KernelInceptionDistance.Compute(referenceActivations, Activations(variantRows, featureSpace), header.KidSubsets,
                    KidMaxSubsetSize, (ulong)header.Seed);
                var note = header.InceptionFeatures
                    ? fid.ComparabilityNote
                    : "not comparable to published FID (demo classifier features, not Inception pool3)";
                results.Add(new DistanceResult(variant.Name(), distanceName, fid.Value, header.ReferenceName, fid.Reference.Count,
                    fid.Candidate.Count, featureSpace, note, new KidSummary(kid.Value, kid.SubsetStandardDeviation, kid.Subsets, kid.SubsetSize)));
            }
            catch (InputException error)
            {
                notes.Add($"{distanceName} of {variant.Name()} images could not be computed: {error.Message}");
            }
        }
        return results;
    }

    private static FidActivations Activations(List<double[]> rows, string featureSpace) =>
        new(rows.SelectMany(r => r).ToArray(), rows.Count, rows[0].Length, featureSpace);
}
