using System.CommandLine;
using System.Globalization;
using Clap2Diffusion.Engine.Parity;

namespace Clap2Diffusion.Engine.Cli.Verbs;

/// <summary>
/// <c>parity --fixture DIR [--atol X] [--rtol Y] [--out FILE]</c>: runs our implementation on a parity fixture's stored
/// inputs and prints one line per compared tensor, <c>name max_abs max_rel tolerance PASS|FAIL</c>. Exit 0 when all
/// pass, 1 when any fails, 2 when the folder is not a known kind of fixture.
/// </summary>
public static class ParityVerb
{
    public static Command Create(CliContext cli)
    {
        var fixture = new Option<string>("--fixture") { Description = "fixture folder, e.g. shared/parity/diffusers/schedulers", Required = true };
        var atol = new Option<double?>("--atol") { Description = "absolute tolerance for every floating-point tensor, replacing the built-in ones" };
        var rtol = new Option<double?>("--rtol") { Description = "relative tolerance for every floating-point tensor, replacing the built-in ones" };
        var output = new Option<string?>("--out") { Description = "write our outputs to this safetensors file, under the reference names" };
        var command = new Command("parity", "Compare the engine with the upstream reference tensors of a parity fixture folder.")
        {
            fixture, atol, rtol, output,
        };
        command.SetAction(result => VerbAction.Guard(cli, () => Run(cli, result.GetValue(fixture)!,
            new ParityOptions { Atol = result.GetValue(atol), Rtol = result.GetValue(rtol), KeepOutputs = result.GetValue(output) is not null },
            result.GetValue(output))));
        return command;
    }

    public static int Run(CliContext cli, string fixturePath, ParityOptions options, string? outputPath)
    {
        options.Validate();
        using var folder = new FixtureFolder(fixturePath);
        var kind = ParityKinds.Recognise(folder);
        cli.Error.WriteLine($"{folder.Path}: {kind.Name} fixture");
        using var run = new ParityRun(options, comparison => cli.Out.WriteLine(comparison), note => cli.Error.WriteLine($"note: {note}"));
        kind.Run(folder, run);
        foreach (var (file, names) in folder.Unread())
            cli.Error.WriteLine($"note: {file}: not compared: {string.Join(", ", names)}");
        if (run.Comparisons.Count == 0)
            throw new InputException($"{folder.Path} is a {kind.Name} fixture but holds nothing to compare");

        if (outputPath is not null)
        {
            run.SaveOutputs(outputPath, new Dictionary<string, string>
            {
                ["format"] = "clap2diffusion.parity-outputs.v1",
                ["kind"] = kind.Name,
                ["fixture"] = folder.Path,
                ["compared"] = run.Comparisons.Count.ToString(CultureInfo.InvariantCulture),
                ["failed"] = run.Failures.ToString(CultureInfo.InvariantCulture),
            });
            cli.Error.WriteLine($"our outputs: {outputPath}");
        }
        cli.Error.WriteLine($"{kind.Name}: {run.Comparisons.Count} tensors compared, {run.Failures} failed");
        return run.Failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}
