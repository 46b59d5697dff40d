using System.Diagnostics;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// Makes evaluation images with the real pipeline. Every variant of a case is the same call with the same prompt
/// and seed; only the audio settings differ: text-only turns the adapters off, a null-level variant masks that
/// level's tokens, an adapters-off variant zeroes one block group's strength. The composition strategy is off, so
/// the measured effect of the audio is the adapters' own, except in <see cref="PairVariant.AudioComposed"/>, which
/// measures the strategy (at the pipeline's <see cref="ClapDiffusionPipeline.Composition"/>).
/// </summary>
public sealed class PipelinePairGenerator(ClapDiffusionPipeline pipeline, int? steps) : IPairGenerator
{
    // The variants of a case share its clip and the shuffled variant borrows its partner's; a run goes case by case,
    // so the last few clips are all that is ever reused. Keeping more costs 1.9 MB per 10 s clip at 48 kHz: the
    // 257 this kept before grew a 50-pair soak's managed heap by 1.8 MB per case.
    internal const int ClipsKept = 4;
    private readonly LinkedList<(string Id, AudioClip Clip)> recentClips = new();

    public string Description =>
        $"{pipeline.Info.ModelName} (unet {Weights.ModelHash.Short(pipeline.Info.ModelHash)}, adapters {Weights.ModelHash.Short(pipeline.Info.AdaptersHash ?? "none")}), " +
        $"{steps ?? pipeline.Settings.DefaultSteps} steps, {pipeline.Target}, contradictory strength " +
        pipeline.Composition.ContradictoryStrength.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static EvaluationGeneratorFactory Factory => options => new PipelinePairGenerator(
        ClapDiffusionPipeline.Load(new PipelineOptions(EmbeddedModel.Require(options.Model), options.Clap, options.Adapters, ComputeTarget.Cpu,
            Composition: options.Composition)),
        options.Steps);

    public PairGeneration Generate(PairRequest request, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var variant = request.Variant;
        var audio = variant == PairVariant.TextOnly || request.Audio is null ? null : new AudioInput(Clip(request.Audio), request.Audio.Id);
        var result = pipeline.Generate(new GenerationRequest
        {
            Settings = pipeline.Defaults with
            {
                Prompt = request.Prompt,
                Seed = request.Seed,
                Steps = steps ?? pipeline.Defaults.Steps,
                AudioLevels = new AudioLevelStrengths(
                    Down: variant == PairVariant.AdaptersOffDown ? 0 : 1,
                    Mid: variant == PairVariant.AdaptersOffMid ? 0 : 1,
                    Up: variant == PairVariant.AdaptersOffUp ? 0 : 1),
            },
            Audio = audio,
            AdaptToRelation = variant.ComposesByRelation(),
            HeardLevels = variant.NulledLevel() is { } nulled ? AudioLevelMask.Without(nulled) : AudioLevelMask.All,
        }, cancellation: cancellationToken);
        return new PairGeneration(result.Image, result.Relation?.Relation, clock.Elapsed.TotalSeconds);
    }

    private AudioClip Clip(EvaluationAudio audio)
    {
        for (var node = recentClips.First; node is not null; node = node.Next)
            if (node.Value.Id == audio.Id)
            {
                recentClips.Remove(node);
                recentClips.AddFirst(node);
                return node.Value.Clip;
            }
        var clip = audio.Path is not null ? AudioDecoder.DecodeFile(audio.Path) : AudioClip.FromSamples(audio.Samples!, audio.SampleRate);
        recentClips.AddFirst((audio.Id, clip));
        if (recentClips.Count > ClipsKept)
            recentClips.RemoveLast();
        return clip;
    }

    /// <summary>The ids of the decoded clips held for reuse, most recent first.</summary>
    internal IEnumerable<string> HeldClips => recentClips.Select(c => c.Id);

    public void Dispose() => pipeline.Dispose();
}
