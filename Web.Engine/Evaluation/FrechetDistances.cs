using Clap2Diffusion.Engine.Evaluation.Fid;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Imaging;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// FID (or the domain FID) and KID of each variant's images against the source's reference set: for the demo
/// world, ground truth of the same cases rendered afresh at the generated size (the same N); for a dataset,
/// the rows' frames. Every value names its reference set and both N, and says when it is not comparable with
/// published FIDs.
/// </summary>
internal static class FrechetDistances
{
    private const int ReferenceBatch = 16;
    private const int KidMaxSubsetSize = 1000;

    public static List<DistanceResult> Compute(IImageFeatures space, IEvaluationSource source, IReadOnlyList<EvaluationCase> cases,
        List<ImageRecord> records, IReadOnlyList<PairVariant> variants, EvaluationSettings settings, List<string> notes,
        CancellationToken cancellationToken)
    {
        var results = new List<DistanceResult>();
        if (records.Count == 0)
            return results;
        var size = Math.Max(records[0].Width, records[0].Height);
        var reference = ReferenceFeatures(space, source, cases, size, notes, cancellationToken);
        if (reference is null)
            return results;
        var referenceName = source.ReferenceName;
        var referenceStatistics = FidStatistics.FromActivations(referenceName, reference);
        foreach (var variant in variants)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = records.Where(r => r.Variant == variant && r.Features is not null).ToList();
            if (rows.Count < 2)
            {
                notes.Add($"{space.DistanceName} of {variant.Name()} images skipped: it needs at least 2 images, not {rows.Count}");
                continue;
            }
            var candidate = new FidActivations(rows.SelectMany(r => r.Features!).ToArray(), rows.Count, rows[0].Features!.Length, space.FeatureSpace);
            try
            {
                var fid = FrechetDistance.Compute(referenceStatistics, FidStatistics.FromActivations($"{settings.RunName} {variant.Name()}", candidate));
                var kid = KernelInceptionDistance.Compute(reference, candidate, settings.KidSubsets, KidMaxSubsetSize, (ulong)settings.Seed);
                var note = space is InceptionImageFeatures
                    ? fid.ComparabilityNote
                    : "not comparable to published FID (demo classifier features, not Inception pool3)";
                results.Add(new DistanceResult(variant.Name(), space.DistanceName, fid.Value, referenceName, fid.Reference.Count,
                    fid.Candidate.Count, space.FeatureSpace, note, new KidSummary(kid.Value, kid.SubsetStandardDeviation, kid.Subsets, kid.SubsetSize)));
            }
            catch (InputException error)
            {
                notes.Add($"{space.DistanceName} of {variant.Name()} images could not be computed: {error.Message}");
            }
        }
        return results;
    }

    private static FidActivations? ReferenceFeatures(IImageFeatures space, IEvaluationSource source, IReadOnlyList<EvaluationCase> cases,
        int size, List<string> notes, CancellationToken cancellationToken)
    {
        var rows = new List<double>();
        var count = 0;
        var width = 0;
        var missing = 0;
        foreach (var chunk in cases.Chunk(ReferenceBatch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var images = chunk.Select(c => source.ReferenceImage(c, size)).ToList();
            missing += images.Count(i => i is null);
            foreach (var group in images.OfType<RgbImage>().GroupBy(i => (i.Width, i.Height)))
            {
                using var scope = NewDisposeScope();
                var features = space.Extract(group.ToList());
                rows.AddRange(features.to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray());
                count += (int)features.shape[0];
                width = (int)features.shape[1];
            }
        }
        if (missing > 0)
            notes.Add($"{missing} of {cases.Count} cases have no reference image; the reference set holds the other {count}");
        if (count < 2)
        {
            notes.Add($"{space.DistanceName} skipped: the reference set '{source.ReferenceName}' needs at least 2 images, not {count}");
            return null;
        }
        return new FidActivations([.. rows], count, width, space.FeatureSpace);
    }
}
