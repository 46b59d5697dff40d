using System.Diagnostics;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Engine.Pipelines;

namespace Clap2Diffusion.Engine.Serving;

/// <summary>
/// Runs one studio job on a loaded pipeline: the text-only image, or for a pair the audio-conditioned image and its
/// same-seed baseline, encoded as PNGs with their parameters. The same code serves the in-process engine and a remote
/// worker, so a job's images do not depend on where it ran.
/// </summary>
public static class JobExecution
{
    public static GenerationOutcome Run(ClapDiffusionPipeline engine, JobInputs inputs, Action<StepProgress> onStep,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var audio = inputs.Audio is null ? null : new AudioInput(inputs.Audio, inputs.AudioName ?? "clip.wav");
        var result = engine.Generate(new GenerationRequest
        {
            Settings = inputs.Settings,
            Audio = audio,
            Pair = audio is not null,
            InitImage = inputs.InitImage,
            LoraFiles = inputs.LoraFiles,
        }, onStep, cancellationToken);
        var generated = clock.Elapsed;

        var textOnly = result.TextOnly!;
        var withAudio = result.AudioConditioned;
        return new GenerationOutcome(
            Png(textOnly),
            withAudio is null ? null : Png(withAudio),
            inputs.Seed,
            result.Relation?.Relation,
            [new StageTiming(inputs.ReadStageName, inputs.Read.TotalMilliseconds), new StageTiming("generate", generated.TotalMilliseconds)])
        {
            TextOnlyFlagged = textOnly.Flagged,
            AudioConditionedFlagged = withAudio?.Flagged ?? false,
        };
    }

    private static byte[] Png(GeneratedImage image) => PngWriter.Encode(image.Image.Width, image.Image.Height, image.Image.Pixels, image.Parameters.PngTexts());
}
