using System.CommandLine;
using System.Globalization;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Evaluation.Reports;
using Clap2Diffusion.Engine.Evaluation.Sharding;
using Clap2Diffusion.Engine.Training.Metrics;

namespace Clap2Diffusion.Engine.Cli.Verbs;

/// <summary>The options of <c>evaluate</c>, as parsed.</summary>
public sealed record EvaluateOptions
{
    public string? World { get; init; }
    public string? Dataset { get; init; }
    public string? Split { get; init; }
    public string? Model { get; init; }
    public string? Clap { get; init; }
    public string? Adapters { get; init; }
    public string? Classifier { get; init; }
    public bool NoClassifier { get; init; }
    public string? Clip { get; init; }
    public string? FidWeights { get; init; }
    public int? Limit { get; init; }
    public int PerRelation { get; init; } = EvaluationWorlds.BuiltIn.DefaultPerRelation;
    public long Seed { get; init; }
    public int? Steps { get; init; }
    public string? Out { get; init; }
    public string? Variants { get; init; }
    public string? Run { get; init; }
    public bool Json { get; init; }
    public double ContradictoryStrength { get; init; } = CompositionStrategy.DefaultContradictoryStrength;
    public string? Shard { get; init; }
    public string? ShardOut { get; init; }
}

/// <summary>
/// <c>evaluate [--world demo | --dataset DIR --split test] [--model DIR] [--clap DIR] [--adapters DIR]
/// [--classifier DIR | --no-classifier] [--clip DIR] [--fid-weights FILE] [--limit N] [--per-relation N] [--seed S] [--steps N]
/// [--variants LIST] [--contradictory-strength F] [--run NAME] [--out DIR] [--json] [--shard K/N --shard-out FILE]</c>: generates every
/// case text-only, with its audio and under the ablations, measures the images, writes the report folder and prints the acceptance
/// checks. Exits 1 when a check fails. The images come from the <see cref="EvaluationGeneratorFactory"/> the program plugs in.
/// With <c>--shard K/N</c> it generates and measures only the K-th of N contiguous parts of the cases, saves their images
/// under --out and writes the shard file that <c>evaluate merge</c> (<see cref="EvaluateMergeVerb"/>) turns into the report.
/// </summary>
public static class EvaluateVerb
{
    public const int MaxSteps = 1000;

    public static Command Create(CliContext cli, EvaluationGeneratorFactory? generators = null)
    {
        var world = new Option<string?>("--world") { Description = "evaluate on a built-in world: demo (the default when no --dataset is given)" };
        var dataset = new Option<string?>("--dataset") { Description = "an AudioCaps-format dataset folder (split CSVs, audio/, images/)" };
        var split = new Option<string?>("--split") { Description = "the dataset split to evaluate (train, val, test; default test)" };
        var model = new Option<string?>("--model") { Description = "Stable Diffusion folder (diffusers layout); default: the generator's" };
        var clap = new Option<string?>("--clap") { Description = "CLAP folder (transformers layout); default: the generator's" };
        var adapters = new Option<string?>("--adapters") { Description = "trained V4 adapters folder; default: the generator's" };
        var classifier = new Option<string?>("--classifier") { Description = $"demo classifier folder (default {EvaluationWorlds.BuiltIn.DefaultClassifierPath} when it exists)" };
        var noClassifier = new Option<bool>("--no-classifier") { Description = "score without the demo classifier: no attribute accuracies, no acceptance checks" };
        var clip = new Option<string?>("--clip") { Description = "CLIP folder (transformers CLIPModel with tokenizer files) for CLIP score and alignment" };
        var fidWeights = new Option<string?>("--fid-weights") { Description = "pytorch-fid Inception weights (.pth or .safetensors); without them a domain FID is given" };
        var limit = new Option<int?>("--limit") { Description = "evaluate only the first N cases (a short run)" };
        var perRelation = new Option<int>("--per-relation")
        {
            Description = "demo world: cases per relation", DefaultValueFactory = _ => EvaluationWorlds.BuiltIn.DefaultPerRelation,
        };
        var seed = new Option<long>("--seed") { Description = "seed of the cases, the shuffled pairing and the bootstrap" };
        var steps = new Option<int?>("--steps") { Description = "denoising steps (default: the generator's)" };
        var variants = new Option<string?>("--variants") { Description = $"comma-separated variants (default all): {string.Join(", ", PairVariants.All.Select(v => v.Name()))}" };
        var contradictoryStrength = new Option<double>("--contradictory-strength")
        {
            Description = "audio_composed: the strength a level keeps where prompt and sound conflict, 0..1 (default 0.35)",
            DefaultValueFactory = _ => CompositionStrategy.DefaultContradictoryStrength,
        };
        var run = new Option<string?>("--run") { Description = "the run's name in metric records (default: the output folder's name)" };
        var output = new Option<string?>("--out") { Description = "report folder (default evaluations/<UTC time>)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object on stdout instead of text" };
        var shard = new Option<string?>("--shard") { Description = "run only shard K of N (1-based, contiguous parts of the cases); needs --shard-out" };
        var shardOut = new Option<string?>("--shard-out") { Description = "the shard file to write; its images go under --out; merge shards with 'evaluate merge'" };
        var command = new Command("evaluate", "Measure how audio changes the images: accuracies, CLIP score, alignment, FID and ablations, per relation.")
        {
            world, dataset, split, model, clap, adapters, classifier, noClassifier, clip, fidWeights, limit, perRelation, seed, steps, variants,
            contradictoryStrength, run, output, json, shard, shardOut, EvaluateMergeVerb.Create(cli),
        };
        command.SetAction(result => VerbAction.Guard(cli, () => Run(cli, new EvaluateOptions
        {
            World = result.GetValue(world),
            Dataset = result.GetValue(dataset),
            Split = result.GetValue(split),
            Model = result.GetValue(model),
            Clap = result.GetValue(clap),
            Adapters = result.GetValue(adapters),
            Classifier = result.GetValue(classifier),
            NoClassifier = result.GetValue(noClassifier),
            Clip = result.GetValue(clip),
            FidWeights = result.GetValue(fidWeights),
            Limit = result.GetValue(limit),
            PerRelation = result.GetValue(perRelation),
            Seed = result.GetValue(seed),
            Steps = result.GetValue(steps),
            Variants = result.GetValue(variants),
            ContradictoryStrength = result.GetValue(contradictoryStrength),
            Run = result.GetValue(run),
            Out = result.GetValue(output),
            Json = result.GetValue(json),
            Shard = result.GetValue(shard),
            ShardOut = result.GetValue(shardOut),
        }, generators)));
        return command;
    }

    public static int Run(CliContext cli, EvaluateOptions options, EvaluationGeneratorFactory? generators, CancellationToken cancellationToken = default)
    {
        var demo = Validate(options);
        var composition = CompositionStrategy.FromSetting(options.ContradictoryStrength, "--contradictory-strength");
        var selected = options.Variants is null ? PairVariants.All : PairVariants.ParseList(options.Variants);
        var folder = options.Out ?? DefaultFolder();
        CheckNoReport(folder);
        IEvaluationSource source = demo
            ? EvaluationWorlds.BuiltIn.Cases(options.PerRelation, options.Seed, options.Limit)
            : new AudioCapsEvaluationSource(options.Dataset!, options.Split ?? "test", options.Seed, options.Limit);
        if (generators is null)
        {
            cli.Error.WriteLine("error: this build has no image generator for evaluate: the diffusion pipeline is not registered with the command line, " +
                "so no images can be made. Build the engine with the pipeline, or call EvaluationRun from code with an IPairGenerator.");
            return ExitCodes.Failure;
        }
        var classifierFolder = options.NoClassifier ? null
            : options.Classifier ?? (demo && Directory.Exists(EvaluationWorlds.BuiltIn.DefaultClassifierPath) ? EvaluationWorlds.BuiltIn.DefaultClassifierPath : null);
        if (demo && classifierFolder is null)
            cli.Error.WriteLine($"note: no demo classifier (--classifier, or {EvaluationWorlds.BuiltIn.DefaultClassifierPath}): no attribute accuracies, no acceptance checks");
        using var measures = EvaluationMeasures.Load(classifierFolder, options.Clip, options.FidWeights);
        using var generator = generators(new EvaluationGeneratorOptions(options.Model, options.Clap, options.Adapters, options.Steps, demo, composition));
        var settings = new EvaluationSettings(folder)
        {
            RunName = options.Run ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))),
            Variants = selected,
            Seed = options.Seed,
        };
        cli.Error.WriteLine($"evaluating {source.Description}; {selected.Count} variants; generator: {generator.Description}");
        using var progress = new ConsoleProgress(cli);
        if (options.Shard is not null)
            return RunShard(cli, new EvaluationRun(source, generator, measures, settings), EvaluationShard.Parse(options.Shard, source.Cases.Count),
                options, folder, progress, cancellationToken);
        EvaluationReport report;
        using (var sink = new JsonlMetricSink(Path.Combine(folder, "metrics.jsonl")))
            report = new EvaluationRun(source, generator, measures, settings, sink).Execute(progress, cancellationToken);
        progress.Finish();

        if (options.Json)
            cli.WriteJson(JsonSummary(report, folder));
        else
            EvaluationText.Write(cli.Out, report, folder);
        return report.Verdict == CheckResult.Fail ? ExitCodes.Failure : ExitCodes.Success;
    }

    // A shard writes no report and no metric record: the merge does, once, for the whole run.
    private static int RunShard(CliContext cli, EvaluationRun run, EvaluationShard shard, EvaluateOptions options, string folder,
        ConsoleProgress progress, CancellationToken cancellationToken)
    {
        var result = run.ExecuteShard(shard, progress, cancellationToken);
        progress.Finish();
        EvaluationShardFile.Write(options.ShardOut!, result, folder);
        var images = result.Cases.Sum(c => c.Images.Count);
        if (options.Json)
            cli.WriteJson(new { shard = options.Shard, shard_file = options.ShardOut, images_folder = folder, cases = result.Cases.Count, images });
        else
            cli.Out.WriteLine($"shard {options.Shard}: {result.Cases.Count} of {result.Header.TotalCases} cases, {images} images in {folder}; " +
                $"shard file {options.ShardOut} (merge with: evaluate merge --out DIR SHARD_FILES...)");
        return ExitCodes.Success;
    }

    internal static string DefaultFolder() =>
        Path.Combine("evaluations", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

    internal static void CheckNoReport(string folder)
    {
        if (File.Exists(Path.Combine(folder, ReportWriter.ReportFile)))
            throw new InputException($"{folder} already holds an evaluation report; choose another --out");
    }

    // True for the demo world, false for a dataset.
    private static bool Validate(EvaluateOptions options)
    {
        if (options.World is not null && options.Dataset is not null)
            throw new InputException("--world and --dataset exclude each other: evaluate on the demo world or on a dataset");
        if (options.World is not null && !string.Equals(options.World, EvaluationWorlds.BuiltIn.Name, StringComparison.OrdinalIgnoreCase))
            throw new InputException($"unknown world '{options.World}'; the only built-in world is {EvaluationWorlds.BuiltIn.Name}");
        var demo = options.Dataset is null;
        if (demo && options.Split is not null)
            throw new InputException("--split applies to a --dataset only");
        if (!demo && options.Classifier is not null)
            throw new InputException("the demo classifier reads demo-world images only; leave out --classifier with --dataset");
        if (options.NoClassifier && options.Classifier is not null)
            throw new InputException("--classifier and --no-classifier exclude each other");
        if (options.Limit is < 1)
            throw new InputException($"--limit must be at least 1, not {options.Limit}");
        if (options.PerRelation < 1 || options.PerRelation > EvaluationWorlds.BuiltIn.MaxPerRelation)
            throw new InputException($"--per-relation must lie in 1..{EvaluationWorlds.BuiltIn.MaxPerRelation}, not {options.PerRelation}");
        if (options.Seed < 0)
            throw new InputException($"--seed must not be negative, not {options.Seed}");
        if (options.Steps is < 1 or > MaxSteps)
            throw new InputException($"--steps must lie in 1..{MaxSteps}, not {options.Steps}");
        if (options.Run is { Length: 0 })
            throw new InputException("--run needs a name");
        if (options.Shard is null != options.ShardOut is null)
            throw new InputException("--shard and --shard-out go together: the shard's result needs a file, and a shard file a shard");
        return demo;
    }

    internal static object JsonSummary(EvaluationReport report, string folder) => new
    {
        run = report.Run,
        report = Path.Combine(folder, ReportWriter.ReportFile),
        source = report.Source,
        generator = report.Generator,
        cases = report.Cases.Count,
        images = report.Cases.Sum(c => c.Images.Count),
        variants = report.Variants,
        verdict = report.Verdict,
        checks = report.Checks.Select(c => new { id = c.Id, name = c.Name, status = c.Status, value = c.Value, threshold = c.Threshold }),
        criteria = report.Criteria.Select(c => new { id = c.Id, name = c.Name, status = c.Status, detail = c.Detail }),
        groups = report.Groups.Select(g => new
        {
            scope = g.Scope,
            variant = g.Variant,
            n = g.Cases,
            means = g.Metrics.ToDictionary(m => m.Key, m => m.Value.Mean),
        }),
        distances = report.Distances.Select(d => new
        {
            variant = d.Variant,
            name = d.Name,
            value = d.Value,
            reference = d.Reference,
            reference_count = d.ReferenceCount,
            candidate_count = d.CandidateCount,
            note = d.Note,
            kid = d.Kid?.Value,
        }),
        notes = report.Notes,
    };
}
