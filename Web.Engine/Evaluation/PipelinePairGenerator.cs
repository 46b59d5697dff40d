using System.Diagnostics;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Demo;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// Makes evaluation images with the real pipeline. Every variant of a case is the same call with the same prompt
/// and seed; only the audio settings differ: text-only turns the adapters off, a null-level variant masks that
/// level's tokens, an adapters-off variant zeroes one block group's strength. The composition strategy is off, so
/// the measured effect of the audio is the adapters' own.
/// </summary>
public sealed class PipelinePairGenerator(ClapDiffusionPipeline pipeline, int? steps) : IPairGenerator
{
    private readonly Dictionary<string, AudioClip> clips = new(StringComparer.Ordinal);

    public string Description =>
        $"{pipeline.Info.ModelName} (unet {Weights.ModelHash.Short(pipeline.Info.ModelHash)}, adapters {Weights.ModelHash.Short(pipeline.Info.AdaptersHash ?? "none")}), " +
        $"{steps ?? pipeline.Settings.DefaultSteps} steps, {pipeline.Target}";

    public static EvaluationGeneratorFactory Factory => options => new PipelinePairGenerator(
        ClapDiffusionPipeline.Load(new PipelineOptions(DemoModel.Require(options.Model), options.Clap, options.Adapters, ComputeTarget.Cpu)),
        options.Steps);

    public PairGeneration Generate(PairRequest request, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var variant = request.Variant;
        var audio = variant == PairVariant.TextOnly || request.Audio is null ? null : new AudioInput(Clip(request.Audio), request.Audio.Id);
        var result = pipeline.Generate(new GenerationRequest
        {
            Prompt = request.Prompt,
            Seed = request.Seed,
            Steps = steps,
            Audio = audio,
            AdaptToRelation = false,
            AudioLevels = new AudioLevelMask(
                Foreground: variant != PairVariant.NullForeground,
                Background: variant != PairVariant.NullBackground,
                Ambience: variant != PairVariant.NullAmbience),
            AudioStrength = new AudioStrength(
                Down: variant == PairVariant.AdaptersOffDown ? 0 : 1,
                Mid: variant == PairVariant.AdaptersOffMid ? 0 : 1,
                Up: variant == PairVariant.AdaptersOffUp ? 0 : 1),
        }, cancellation: cancellationToken);
        return new PairGeneration(result.Image, result.Relation?.Relation, clock.Elapsed.TotalSeconds);
    }

    private AudioClip Clip(EvaluationAudio audio)
    {
        if (clips.TryGetValue(audio.Id, out var clip))
            return clip;
        clip = audio.Path is not null ? AudioDecoder.DecodeFile(audio.Path) : AudioClip.FromSamples(audio.Samples!, audio.SampleRate);
        if (clips.Count > 256)
            clips.Clear();
        clips[audio.Id] = clip;
        return clip;
    }

    public void Dispose() => pipeline.Dispose();
}
