using System.CommandLine;
using Clap2Diffusion.Engine.Cli.Verbs;
using Clap2Diffusion.Engine.Evaluation;

namespace Clap2Diffusion.Engine.Cli;

/// <summary>
/// The engine's command line. Named EngineProgram (not Program) so that test projects referencing both
/// the engine and the web server see a single <c>Program</c>.
/// </summary>
public static class EngineProgram
{
    public static int Main(string[] args) => Run(args, CliContext.FromConsole());

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
        return parsed.Invoke(new InvocationConfiguration { Output = cli.Out, Error = cli.Error, EnableDefaultExceptionHandler = false });
    }

    public static RootCommand BuildRoot(CliContext cli)
    {
        var root = new RootCommand("Clap2Diffusion engine: text + sound to image with Stable Diffusion 1.5 and CLAP.");
        foreach (var verb in Verbs(cli))
            root.Subcommands.Add(verb);
        return root;
    }

    private static IEnumerable<Command> Verbs(CliContext cli) =>
    [
        GenerateVerb.Create(cli),
        DemoVerb.Create(cli),
        KeysVerb.Create(cli),
        TrainVerb.Create(cli),
        PrepareAudioCapsVerb.Create(cli),
        ConvertFidWeightsVerb.Create(cli),
        FidDistanceVerb.Create(cli),
        CheckWeightsVerb.Create(cli),
        BenchVerb.Create(cli),
        ParityVerb.Create(cli),
        EvaluateVerb.Create(cli, PipelinePairGenerator.Factory),
    ];

    private static bool RequestsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");
}
