using System.CommandLine;
using Clap2Diffusion.Engine.Cli.Verbs;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Cli;

/// <summary>
/// The engine's command line. Named EngineProgram (not Program) so that test projects referencing both
/// the engine and the web server see a single <c>Program</c>.
/// </summary>
public static class EngineProgram
{
    public static int Main(string[] args) => Run(args, CliContext.FromConsole());

    /// <summary>
    /// <c>--allocator tuned|default</c>, accepted by every verb: how the process's memory allocator behaves
    /// (<see cref="MemoryAllocator"/>). Applied before the verb runs, so its tensors already see it.
    /// </summary>
    public static Option<string> AllocatorOption { get; } = new("--allocator")
    {
        Description = "tuned (default): keep freed tensor memory in the process (glibc only); default: the allocator as the system ships it",
        DefaultValueFactory = _ => MemoryAllocator.Tuned,
        Recursive = true,
    };

    /// <summary>
    /// <c>--onednn auto|off|on</c>, accepted by every verb: whether LibTorch's oneDNN convolutions may run (<see cref="OneDnn"/>).
    /// </summary>
    public static Option<string> OneDnnOption { get; } = new("--onednn")
    {
        Description = "auto (default): use oneDNN's faster convolutions where a start-up self-check finds them right; off: never; on: without the check (to measure)",
        DefaultValueFactory = _ => OneDnn.Auto,
        Recursive = true,
    };

    static EngineProgram()
    {
        AllocatorOption.AcceptOnlyFromAmong([.. MemoryAllocator.Settings]);
        OneDnnOption.AcceptOnlyFromAmong([.. OneDnn.Settings]);
    }

    public static int Run(string[] args, CliContext cli)
    {
        var root = BuildRoot(cli);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && !RequestsHelp(args))
        {
            foreach (var error in parsed.Errors)
                cli.Error.WriteLine($"error: {error.Message}");
            cli.Error.WriteLine("Run with --help to see the verbs and their options.");
            return ExitCodes.BadInput;
        }
        if (!RequestsHelp(args))
        {
            // The allocator first: LibTorch reads its huge-page switch at its first tensor, which the self-check makes.
            MemoryAllocator.Apply(parsed.GetValue(AllocatorOption)!, cli.Error);
            OneDnn.Apply(parsed.GetValue(OneDnnOption)!, cli.Error);
        }
        return parsed.Invoke(new InvocationConfiguration { Output = cli.Out, Error = cli.Error, EnableDefaultExceptionHandler = false });
    }

    public static RootCommand BuildRoot(CliContext cli)
    {
        var root = new RootCommand("Clap2Diffusion engine: text + sound to image with Stable Diffusion 1.5 and CLAP.");
        root.Options.Add(AllocatorOption);
        root.Options.Add(OneDnnOption);
        foreach (var verb in Verbs(cli))
            root.Subcommands.Add(verb);
        return root;
    }

    private static IEnumerable<Command> Verbs(CliContext cli) =>
    [
        GenerateVerb.Create(cli),
        .. FeatureVerbs.Create(cli),
        KeysVerb.Create(cli),
        TrainVerb.Create(cli),
        PrepareAudioCapsVerb.Create(cli),
        ConvertFidWeightsVerb.Create(cli),
        FidDistanceVerb.Create(cli),
        CheckWeightsVerb.Create(cli),
        BenchVerb.Create(cli),
        ParityVerb.Create(cli),
        ServeVerb.Create(cli),
        EvaluateVerb.Create(cli, PipelinePairGenerator.Factory),
    ];

    private static bool RequestsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");
}
