using System.CommandLine;
using System.Diagnostics;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Cli.Verbs;

/// <summary>
/// <c>generate --prompt T [--audio F] ... --out F.png</c>: one image (audio-conditioned when a sound is given),
/// and with <c>--pair</c> also the same-seed text-only image. With <c>--init-image</c> the image is an edit of that
/// picture (img2img) at <c>--strength</c>. stdout carries one JSON object describing the run.
/// </summary>
public static class GenerateVerb
{
    public static Command Create(CliContext cli)
    {
        var prompt = new Option<string>("--prompt") { Description = "what to draw", Required = true };
        var audio = new Option<string?>("--audio") { Description = "a sound file (WAV, FLAC, MP3, Ogg; others through ffmpeg)" };
        var negative = new Option<string>("--negative") { Description = "negative prompt", DefaultValueFactory = _ => "" };
        var steps = new Option<int?>("--steps") { Description = "denoising steps (default: the model's)" };
        var seed = new Option<long?>("--seed") { Description = "0..2^32-1 (default: random, reported)" };
        var width = new Option<int?>("--width") { Description = "pixels (default: the model's size; a missing side equals the other)" };
        var height = new Option<int?>("--height") { Description = "pixels" };
        var scheduler = new Option<string?>("--scheduler") { Description = $"one of {string.Join(", ", Schedulers.SchedulerFactory.Names)}" };
        var textScale = new Option<double?>("--text-scale") { Description = "text guidance (default: the model's)" };
        var audioScale = new Option<double?>("--audio-scale") { Description = "audio guidance (default: the model's)" };
        var audioStrength = new Option<double>("--audio-strength") { Description = "global adapter strength; 0 = text only", DefaultValueFactory = _ => 1.0 };
        var levels = new Option<string?>("--level-strengths") { Description = "per-level strengths DOWN,MID,UP (default 1,1,1)" };
        var model = new Option<string?>("--model") { Description = "diffusers model folder (default: the embedded demo model)" };
        var clap = new Option<string?>("--clap") { Description = "CLAP folder (default: <model>/clap)" };
        var adapters = new Option<string?>("--adapters") { Description = "V4 adapter folder (default: <model>/adapters)" };
        var pair = new Option<bool>("--pair") { Description = "also write the same-seed text-only image to <stem>.text-only.png" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto", DefaultValueFactory = _ => "auto" };
        var safety = new Option<string?>("--safety") { Description = $"what a flagged image becomes: {string.Join(", ", SafetyModes.Names)} (default: block when the model folder has a safety checker, off otherwise)" };
        var initImage = new Option<string?>("--init-image") { Description = "a PNG or JPEG to edit (img2img); scaled to cover the output size and centre-cropped" };
        var strength = new Option<double>("--strength")
        {
            Description = "how far an edit may move from --init-image, in (0, 1]: near 0 keeps it, 1 redraws it from noise",
            DefaultValueFactory = _ => EditStrength.Default,
        };
        var contradictoryStrength = new Option<double>("--contradictory-strength")
        {
            Description = "with --audio: the strength a level keeps where prompt and sound conflict, 0..1 (default 0.35; 1 turns the strategy off)",
            DefaultValueFactory = _ => CompositionStrategy.DefaultContradictoryStrength,
        };
        var output = new Option<string>("--out") { Description = "output PNG", Required = true };
        var loras = new Option<string[]>("--lora")
        {
            Description = "a LoRA file (PEFT or kohya safetensors) and its scale, FILE[:SCALE] (default scale 1); repeatable",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("generate", "Make an image from a prompt and, optionally, a sound.")
        {
            prompt, audio, negative, steps, seed, width, height, scheduler, textScale, audioScale, audioStrength, levels,
            model, clap, adapters, pair, device, safety, output, loras, initImage, strength, contradictoryStrength,
        };
        command.SetAction(result => VerbAction.Guard(cli, () =>
        {
            var (down, mid, up) = ParseLevels(result.GetValue(levels));
            var options = new PipelineOptions(EmbeddedModel.Require(result.GetValue(model)), result.GetValue(clap), result.GetValue(adapters),
                ComputeTarget.Resolve(new DeviceSettings { Device = result.GetValue(device)! }),
                result.GetValue(safety) is { } mode ? SafetyModes.Parse(mode, "--safety") : null,
                CompositionStrategy.FromSetting(result.GetValue(contradictoryStrength), "--contradictory-strength"));
            var audioPath = result.GetValue(audio);
            var initPath = result.GetValue(initImage);
            var loraChoices = (result.GetValue(loras) ?? []).Select(LoraChoice.Parse).ToList();
            // Read before the model loads, so a bad file fails in milliseconds, not after seconds of loading.
            var sound = audioPath is null ? null : new AudioInput(AudioDecoder.DecodeFile(audioPath), Path.GetFileName(audioPath));
            var picture = initPath is null ? null : EditImage.Load(initPath);
            var (w, h) = (result.GetValue(width), result.GetValue(height));
            // What the person chose, over the model's own defaults (a missing side equals the other).
            GenerationRequest Request(GenerationSettings defaults) => new()
            {
                Settings = defaults with
                {
                    Prompt = result.GetValue(prompt)!,
                    NegativePrompt = result.GetValue(negative)!,
                    Steps = result.GetValue(steps) ?? defaults.Steps,
                    Seed = result.GetValue(seed),
                    Width = w ?? h ?? defaults.Width,
                    Height = h ?? w ?? defaults.Height,
                    Scheduler = result.GetValue(scheduler) ?? defaults.Scheduler,
                    TextGuidance = result.GetValue(textScale) ?? defaults.TextGuidance,
                    AudioGuidance = result.GetValue(audioScale) ?? defaults.AudioGuidance,
                    AudioStrength = result.GetValue(audioStrength),
                    AudioLevels = new AudioLevelStrengths(down, mid, up),
                    Loras = loraChoices.Count > 0 ? loraChoices : null,
                    InitImage = initPath is null ? null : Path.GetFileName(initPath),
                    Strength = result.GetValue(strength),
                },
                Audio = sound,
                Pair = result.GetValue(pair),
                InitImage = picture,
                LoraFiles = loraChoices.DistinctBy(l => l.Name).ToDictionary(l => l.Name, l => l.Name),
            };
            if (picture is not null && EditStrength.Problem(result.GetValue(strength)) is { } problem)
                throw new InputException($"--strength: {problem}");
            return Run(cli, options, Request, result.GetValue(output)!);
        }));
        return command;
    }

    private static int Run(CliContext cli, PipelineOptions options, Func<GenerationSettings, GenerationRequest> requestOver, string output)
    {
        var clock = Stopwatch.StartNew();
        using var pipeline = ClapDiffusionPipeline.Load(options);
        var request = requestOver(pipeline.Defaults);
        if (request.Pair && request.Audio is null)
            throw new InputException("--pair compares with and without audio; give --audio too");
        using var progress = new ConsoleProgress(cli);
        var result = pipeline.Generate(request, step => progress.Report(step.Phase.Name(), step.Step, step.TotalSteps));
        progress.Finish();

        Write(output, result.Image, result.Parameters);
        string? baselineOut = null;
        if (result.Baseline is not null)
        {
            baselineOut = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, Path.GetFileNameWithoutExtension(output) + ".text-only.png");
            Write(baselineOut, result.Baseline, result.BaselineParameters!);
        }
        cli.WriteJson(new
        {
            Out = Path.GetFullPath(output),
            BaselineOut = baselineOut,
            result.Parameters.Seed,
            result.Parameters.Steps,
            result.Parameters.Width,
            result.Parameters.Height,
            result.Parameters.Scheduler,
            Model = pipeline.Info.ModelFolder,
            Relation = result.Relation?.Name,
            result.Parameters.Safety,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
        });
        return ExitCodes.Success;
    }

    private static void Write(string path, RgbImage image, GenerationParameters parameters) =>
        PngWriter.Save(path, image.Width, image.Height, image.Pixels, parameters.PngTexts());

    private static (double Down, double Mid, double Up) ParseLevels(string? text)
    {
        if (text is null)
            return (1, 1, 1);
        var parts = text.Split(',');
        if (parts.Length != 3 || parts.Any(p => !double.TryParse(p, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)))
            throw new InputException($"--level-strengths takes three numbers DOWN,MID,UP, not '{text}'");
        var values = parts.Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (values[0], values[1], values[2]);
    }
}
