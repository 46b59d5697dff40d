using System.CommandLine;
using Clap2Diffusion.Engine.Benchmarks;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Cli.Verbs;

/// <summary>
/// <c>bench [--only a,b] [--json] [--repeats N] [--warmup N] [--threads N] [--seed S] [--new-thread]
/// [--compare-allocator]</c>: runs the registered benchmark sections (<see cref="BenchSections"/>) and prints their
/// figures as a table, or as one JSON object; with <c>--compare-allocator</c>, once per allocator mode in child
/// processes, side by side (<see cref="AllocatorComparison"/>).
/// </summary>
public static class BenchVerb
{
    public static Command Create(CliContext cli)
    {
        var only = new Option<string?>("--only") { Description = $"comma-separated sections ({string.Join(", ", BenchSections.All.Select(s => s.Name))}); all by default" };
        var json = new Option<bool>("--json") { Description = "print one JSON object on stdout" };
        var repeats = new Option<int>("--repeats") { Description = "timed runs per measurement (median reported)", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "untimed runs first", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "LibTorch intra-op threads; 0 keeps the default (all cores)" };
        var seed = new Option<long>("--seed") { Description = "seed of random weights and inputs", DefaultValueFactory = _ => 1234 };
        var soakDefaults = new SoakPlan();
        var soakSteps = new Option<int>("--soak-training-steps") { Description = "soak: demo training steps", DefaultValueFactory = _ => soakDefaults.TrainingSteps };
        var soakGenerations = new Option<int>("--soak-generations") { Description = "soak: demo generations with audio", DefaultValueFactory = _ => soakDefaults.Generations };
        var soakPairs = new Option<int>("--soak-pairs") { Description = "soak: evaluation pairs", DefaultValueFactory = _ => soakDefaults.EvaluationPairs };
        var soakDenoising = new Option<int>("--soak-denoising-steps") { Description = "soak: denoising steps per image", DefaultValueFactory = _ => soakDefaults.DenoisingSteps };
        var newThread = new Option<bool>("--new-thread") { Description = "run the sections on a thread started for them, as the server's engine thread" };
        var compare = new Option<bool>("--compare-allocator") { Description = "run the sections twice in child processes, --allocator default then tuned, and print the figures side by side" };
        var command = new Command("bench", "Measure engine speed and memory; sections: " +
            string.Join("; ", BenchSections.All.Select(s => $"{s.Name}: {s.Description}")))
        {
            only, json, repeats, warmup, threads, seed, soakSteps, soakGenerations, soakPairs, soakDenoising, newThread, compare,
        };
        command.SetAction(result => VerbAction.Guard(cli, () =>
        {
            var names = result.GetValue(only)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var options = new BenchOptions(result.GetValue(repeats), result.GetValue(warmup), result.GetValue(seed));
            var soak = new SoakPlan(result.GetValue(soakSteps), result.GetValue(soakGenerations), result.GetValue(soakPairs), result.GetValue(soakDenoising));
            soak.Validate();
            var registry = BenchSections.For(soak);
            return result.GetValue(compare)
                ? Compare(cli, AllocatorComparison.ThisEngine(), registry, names, options, result.GetValue(threads), result.GetValue(newThread), result.GetValue(json))
                : Run(cli, registry, names, options, result.GetValue(threads), result.GetValue(json), result.GetValue(newThread));
        }));
        return command;
    }

    public static int Run(CliContext cli, IReadOnlyList<IBenchSection> registry, IReadOnlyCollection<string>? only,
        BenchOptions options, int threads, bool json, bool newThread = false)
    {
        var sections = Check(registry, only, options, threads);
        if (threads > 0)
            set_num_threads(threads);

        var report = BenchRunner.Run(sections, options, cli.Error, newThread);
        if (json)
        {
            cli.WriteJson(report);
            return ExitCodes.Success;
        }
        var environment = report.Environment;
        cli.Out.WriteLine($"# {environment.Device}, {environment.TorchThreads} torch threads, {environment.Processors} processors, " +
            $"{environment.Os}; allocator {environment.Allocator}, oneDNN {environment.OneDnn}, {environment.Thread} thread; median of {environment.Repeats} after {environment.Warmup} warm-up");
        foreach (var section in report.Sections)
        {
            cli.Out.WriteLine($"## {section.Name}: {section.Description}");
            foreach (var figure in section.Figures)
                cli.Out.WriteLine($"{section.Name}.{figure.Name,-36} {figure.Value,12:0.###} {figure.Unit,-8} {figure.Note}".TrimEnd());
        }
        return ExitCodes.Success;
    }

    /// <summary>The same sections in two child processes started with <paramref name="engineCommand"/>, default then tuned.</summary>
    public static int Compare(CliContext cli, IReadOnlyList<string> engineCommand, IReadOnlyList<IBenchSection> registry,
        IReadOnlyCollection<string>? only, BenchOptions options, int threads, bool newThread, bool json)
    {
        var sections = Check(registry, only, options, threads);
        List<string> arguments =
        [
            "bench", "--json", "--only", string.Join(',', sections.Select(s => s.Name)),
            "--repeats", $"{options.Repeats}", "--warmup", $"{options.Warmup}", "--seed", $"{options.Seed}", "--threads", $"{threads}",
        ];
        if (newThread)
            arguments.Add("--new-thread");
        var (defaultRun, tunedRun) = AllocatorComparison.Run(engineCommand, arguments, cli.Error);
        using (defaultRun)
        using (tunedRun)
        {
            if (json)
                cli.WriteJson(new { @default = defaultRun.RootElement, tuned = tunedRun.RootElement });
            else
                AllocatorComparison.Print(cli.Out, defaultRun, tunedRun);
        }
        return ExitCodes.Success;
    }

    private static IReadOnlyList<IBenchSection> Check(IReadOnlyList<IBenchSection> registry, IReadOnlyCollection<string>? only,
        BenchOptions options, int threads)
    {
        if (options.Repeats < 1 || options.Warmup < 0)
            throw new InputException("--repeats must be at least 1 and --warmup at least 0");
        if (threads < 0)
            throw new InputException("--threads must be 0 (default) or more");
        return BenchRunner.Select(registry, only);
    }
}
