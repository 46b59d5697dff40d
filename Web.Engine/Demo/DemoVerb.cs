using System.CommandLine;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Cli;
using Clap2Diffusion.Engine.Demo.Build;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.Showcase;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Demo;

/// <summary>
/// <c>demo build | clip | classify | showcase</c>: rebuild the embedded demo model, write one demo-world clip, read the
/// demo world's attributes back from images, render the showcase grid.
/// </summary>
public static class DemoVerb
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("demo", "The demo world: build its models, make clips, classify images.");
        command.Subcommands.Add(Build(cli));
        command.Subcommands.Add(Clip(cli));
        command.Subcommands.Add(Classify(cli));
        command.Subcommands.Add(ShowcaseCommand(cli));
        return command;
    }

    private static Command Build(CliContext cli)
    {
        var profile = new Option<string>("--profile") { Description = "full (the committed model), quick (about a quarter of it), smoke (every stage, briefly) or base-timing (the full base stage for 300 steps, to time it)", DefaultValueFactory = _ => "full" };
        var from = new Option<string?>("--from") { Description = $"rebuild from this stage: {string.Join(", ", DemoBuilder.Stages)} (default: resume)" };
        var work = new Option<string>("--work") { Description = "work folder (world dataset, intermediate models, runs)", DefaultValueFactory = _ => Path.Combine("artifacts", "demo-build") };
        var output = new Option<string>("--out") { Description = "where the finished model goes", DefaultValueFactory = _ => Path.Combine("models", "demo") };
        var seed = new Option<ulong>("--seed") { Description = "seed of the world and of every stage", DefaultValueFactory = _ => 20261125UL };
        var command = new Command("build", "Regenerate the demo world and retrain every part of the demo model.") { profile, from, work, output, seed };
        command.SetAction(result => VerbAction.Guard(cli, () =>
        {
            using var progress = new ConsoleProgress(cli);
            var builder = new DemoBuilder(DemoProfile.Named(result.GetValue(profile)!), result.GetValue(work)!, result.GetValue(output)!, result.GetValue(seed),
                message =>
                {
                    progress.Finish();
                    cli.Error.WriteLine(message);
                },
                (stage, step, total, _) => progress.Report(stage, step, total));
            var timings = builder.Run(result.GetValue(from), CancellationToken.None);
            progress.Finish();
            cli.WriteJson(new { Stages = timings, TotalSeconds = timings.Values.Sum(), Output = Path.GetFullPath(result.GetValue(output)!) });
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Clip(CliContext cli)
    {
        var foreground = new Option<string?>("--foreground") { Description = $"{string.Join(", ", DemoVocabulary.Foreground)} or none" };
        var background = new Option<string?>("--background") { Description = $"{string.Join(", ", DemoVocabulary.Background)} or none" };
        var ambience = new Option<string?>("--ambience") { Description = $"{string.Join(", ", DemoVocabulary.Ambience)} or none" };
        var seed = new Option<ulong>("--seed") { Description = "the same seed and levels give the same bytes", Required = true };
        var output = new Option<string>("--out") { Description = "WAV file (48 kHz mono 16-bit, 10 s)", Required = true };
        var command = new Command("clip", "Write one demo-world sound and print its caption.") { foreground, background, ambience, seed, output };
        command.SetAction(result => VerbAction.Guard(cli, () =>
        {
            var scene = new DemoScene("circle", "red",
                DemoVocabulary.ParseElement(AudioLevel.Foreground, result.GetValue(foreground)),
                DemoVocabulary.ParseElement(AudioLevel.Background, result.GetValue(background)),
                DemoVocabulary.ParseElement(AudioLevel.Ambience, result.GetValue(ambience)));
            var random = new SeededRandom(result.GetValue(seed));
            var caption = AudioCaptionWriter.Write(scene, random.Fork(1));
            var path = result.GetValue(output)!;
            WavWriter.Write(path, SceneSynthesizer.Synthesize(scene, random.Fork(2), 48000, 10), 48000);
            cli.WriteJson(new { Out = Path.GetFullPath(path), Caption = caption, scene.Foreground, scene.Background, scene.Ambience });
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Classify(CliContext cli)
    {
        var images = new Argument<string[]>("images") { Description = "image files (any size)", Arity = ArgumentArity.OneOrMore };
        var classifier = new Option<string?>("--classifier") { Description = "classifier folder (default: the demo model's)" };
        var command = new Command("classify", "Read shape, colour and each audio level's element from demo-world images.") { images, classifier };
        command.SetAction(result => VerbAction.Guard(cli, () =>
        {
            var folder = result.GetValue(classifier) ?? Path.Combine(EmbeddedModel.DefaultFolder, "classifier");
            if (!Directory.Exists(folder))
                throw new InputException($"no classifier at {folder}; build the demo model or pass --classifier DIR");
            using var reader = SceneImageClassifier.Load(folder);
            var paths = result.GetValue(images)!;
            var predictions = reader.ReadFiles(paths);
            cli.WriteJson(paths.Zip(predictions).Select(p => new Dictionary<string, object?>
            {
                ["file"] = p.First,
                ["shape"] = p.Second.Labels[SceneAttributes.Shape],
                ["color"] = p.Second.Labels[SceneAttributes.Color],
                ["foreground"] = Level(p.Second.Labels[SceneAttributes.Foreground]),
                ["background"] = Level(p.Second.Labels[SceneAttributes.Background]),
                ["ambience"] = Level(p.Second.Labels[SceneAttributes.Ambience]),
                ["confidence"] = p.Second.Confidence.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 4)),
            }).ToList());
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command ShowcaseCommand(CliContext cli)
    {
        var output = new Option<string>("--out") { Description = "folder for showcase.png and showcase.json", Required = true };
        var model = new Option<string?>("--model") { Description = "model folder (default: the embedded demo model)" };
        var classifier = new Option<string?>("--classifier") { Description = "classifier folder (default: <model>/classifier)" };
        var command = new Command("showcase", $"Render the grid of {DemoShowcase.Cases.Count} fixed prompt-sound pairs (text only beside with the sound) on the CPU.")
            { output, model, classifier };
        command.SetAction(result => VerbAction.Guard(cli, () =>
        {
            var folder = EmbeddedModel.Require(result.GetValue(model));
            var classifierFolder = result.GetValue(classifier) ?? Path.Combine(folder, "classifier");
            if (!Directory.Exists(classifierFolder))
                throw new InputException($"no classifier at {classifierFolder}; build the demo model or pass --classifier DIR");
            using var pipeline = ClapDiffusionPipeline.Load(new PipelineOptions(folder, Target: ComputeTarget.Cpu));
            using var reader = SceneImageClassifier.Load(classifierFolder, ComputeTarget.Cpu);
            using var progress = new ConsoleProgress(cli);
            var (png, elapsed, rows) = DemoShowcase.Write(pipeline, reader, result.GetValue(output)!, (done, total) => progress.Report("showcase", done, total));
            progress.Finish();
            cli.WriteJson(new { Out = Path.GetFullPath(png), Bytes = new FileInfo(png).Length, Seconds = Math.Round(elapsed.TotalSeconds, 1), Rows = rows.Select(DemoShowcase.Describe) });
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string? Level(string label) => label == DemoVocabulary.None ? null : label;
}
