using System.Globalization;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Evaluation.Reports;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>One of the design's success criteria as a run found it.</summary>
/// <param name="Status"><see cref="Pass"/>, <see cref="Fail"/> or <see cref="NotMeasured"/>.</param>
/// <param name="Detail">The measured value against the bar, or why nothing was measured.</param>
public sealed record SuccessCriterion(string Id, string Name, string Status, string Detail)
{
    public const string Pass = "PASS";
    public const string Fail = "FAIL";
    public const string NotMeasured = "NOT MEASURED";

    public string Line => $"{Status,-12} {Name}: {Detail}";
}

/// <summary>
/// The design's success criteria, judged in every evaluation report: (a) FID with audio below FID text-only, the
/// minimum goal; (b) FID below 30 and (c) CLIP score above 0.25, both only with Inception and CLIP weights given;
/// (d) at least five creative pairs whose audio image shows the prompt's object and at least one element of the
/// sound, read by the demo classifier. A criterion whose inputs the run did not have is "not measured", with the
/// reason, never passed. The domain FID (demo classifier features) is no FID and judges nothing here.
/// </summary>
public static class SuccessCriteria
{
    public const double FidBar = 30;
    public const double ClipScoreBar = 0.25;
    public const int CreativeCasesBar = 5;

    private const string FidName = "FID";
    private const string NoInception = "no Inception weights were given (--fid-weights, or Evaluation:FidWeights in the app)";

    public static IReadOnlyList<SuccessCriterion> Evaluate(EvaluationReport report) =>
        [AudioBeatsTextOnly(report), FidBelowBar(report), ClipScoreAboveBar(report), CreativeCases(report)];

    private static SuccessCriterion AudioBeatsTextOnly(EvaluationReport report)
    {
        const string id = "fid-audio-below-text-only";
        const string name = "(a) FID with audio below FID text-only (minimum goal)";
        var audio = Fid(report, PairVariant.Audio);
        var textOnly = Fid(report, PairVariant.TextOnly);
        if (audio is null || textOnly is null)
            return NotMeasured(id, name, NoFidReason(report, audio is null ? PairVariant.Audio : PairVariant.TextOnly));
        var passed = audio.Value < textOnly.Value;
        return new SuccessCriterion(id, name, passed ? SuccessCriterion.Pass : SuccessCriterion.Fail,
            Invariant($"{audio.Value:0.00} with audio, {textOnly.Value:0.00} text only (N={audio.CandidateCount} each)") + Comparability(audio));
    }

    private static SuccessCriterion FidBelowBar(EvaluationReport report)
    {
        const string id = "fid-below-30";
        const string name = "(b) FID with audio below 30";
        if (Fid(report, PairVariant.Audio) is not { } audio)
            return NotMeasured(id, name, NoFidReason(report, PairVariant.Audio));
        return new SuccessCriterion(id, name, audio.Value < FidBar ? SuccessCriterion.Pass : SuccessCriterion.Fail,
            Invariant($"{audio.Value:0.00} (N={audio.CandidateCount}); need < {FidBar:0}") + Comparability(audio));
    }

    private static SuccessCriterion ClipScoreAboveBar(EvaluationReport report)
    {
        const string id = "clip-score-above-0.25";
        const string name = "(c) CLIP score with audio above 0.25 on the cosine scale (25 on the x100 scale)";
        if (report.Clip is null)
            return NotMeasured(id, name, "no CLIP weights were given (--clip, or Evaluation:ClipFolder in the app)");
        if (report.Group(EvaluationSummary.AllScope, PairVariant.Audio)?[EvaluationSummary.ClipScoreMetric] is not { } score)
            return NotMeasured(id, name, "the run has no audio variant to score");
        var cosine = score.Mean / 100;
        return new SuccessCriterion(id, name, cosine > ClipScoreBar ? SuccessCriterion.Pass : SuccessCriterion.Fail,
            Invariant($"{cosine:0.000} (x100: {score.Mean:0.0}, CI {score.Low:0.0} to {score.High:0.0}, n={score.Count}) with {report.Clip}; need > {ClipScoreBar:0.00}"));
    }

    private static SuccessCriterion CreativeCases(EvaluationReport report)
    {
        const string id = "creative-cases";
        const string name = "(d) at least five creative pairs show the prompt's object and an element of the sound (demo world)";
        if (report.SourceKind != "demo")
            return NotMeasured(id, name, "only the demo world has a classifier that reads the scene; this run evaluated " + report.SourceKind);
        if (report.SceneReader is null)
            return NotMeasured(id, name, "no demo classifier read the images (--classifier, or --no-classifier was given)");
        var creative = PromptAudioRelation.Creative.Name();
        var images = report.Cases.Where(c => c.Relation == creative)
            .Select(c => (Case: c, Image: c.Images.FirstOrDefault(i => i.Variant == PairVariant.Audio.Name())))
            .Where(p => p.Image is not null).ToList();
        if (images.Count == 0)
            return NotMeasured(id, name, "the run has no creative case with an audio image");
        var shown = images.Count(p => ShowsObjectAndSound(p.Case, p.Image!));
        return new SuccessCriterion(id, name, shown >= CreativeCasesBar ? SuccessCriterion.Pass : SuccessCriterion.Fail,
            Invariant($"{shown} of {images.Count} creative pairs; need ≥ {CreativeCasesBar}"));
    }

    // The object is the prompt's (the expected shape and colour); the sound's elements are the audio scene's levels.
    private static bool ShowsObjectAndSound(CaseResult evaluationCase, ImageResult image)
    {
        if (image.Predicted is not { } read || evaluationCase.Expected is not { } expected || evaluationCase.AudioScene is not { } sound)
            return false;
        var objectShown = read.GetValueOrDefault(SceneAttributes.Shape) == expected[SceneAttributes.Shape]
            && read.GetValueOrDefault(SceneAttributes.Color) == expected[SceneAttributes.Color];
        var soundShown = Models.Adapters.AudioLevels.All.Select(SceneAttributes.Of)
            .Any(level => sound.GetValueOrDefault(level) is { } element && element != SceneAttributes.None && read.GetValueOrDefault(level) == element);
        return objectShown && soundShown;
    }

    private static DistanceResult? Fid(EvaluationReport report, PairVariant variant) =>
        report.Distances.FirstOrDefault(d => d.Variant == variant.Name() && d.Name == FidName);

    private static string NoFidReason(EvaluationReport report, PairVariant missing)
    {
        if (report.Distances.Any(d => d.Name == FidName))
            return $"the run has no FID of {missing.Name()} images (variants: {string.Join(", ", report.Variants)})";
        var domain = report.Distances.Where(d => d.Variant is "audio" or "text_only").ToList();
        return domain.Count == 0
            ? NoInception
            : NoInception + "; the domain FID in the report (" +
              string.Join(", ", domain.Select(d => Invariant($"{d.Variant} {d.Value:0.00}"))) + ") is no FID and judges nothing here";
    }

    private static string Comparability(DistanceResult fid) => fid.Note is null ? "" : $"; {fid.Note}";

    private static SuccessCriterion NotMeasured(string id, string name, string reason) =>
        new(id, name, SuccessCriterion.NotMeasured, "not measured: " + reason);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
