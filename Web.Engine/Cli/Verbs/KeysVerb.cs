using System.CommandLine;
using Clap2Diffusion.Engine.Models;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Cli.Verbs;

/// <summary><c>keys --model NAME [--params]</c>: the state-dict keys and shapes of an architecture.</summary>
public static class KeysVerb
{
    public static Command Create(CliContext cli)
    {
        var model = new Option<string>("--model") { Description = "architecture name", Required = true };
        var parameters = new Option<bool>("--params") { Description = "print trainable parameter counts per part instead of keys" };
        var command = new Command("keys", "Print an architecture's state-dict keys and shapes (key<TAB>[d0, d1, ...]).")
        {
            model, parameters,
        };
        command.SetAction(result => VerbAction.Guard(cli, () =>
            Run(cli, result.GetValue(model)!, result.GetValue(parameters))));
        return command;
    }

    public static int Run(CliContext cli, string modelName, bool parameters)
    {
        var architecture = ArchitectureCatalog.Find(modelName);
        using var module = architecture.Create(META);
        if (parameters)
        {
            if (architecture.TrainableParts is null)
                throw new InputException($"'{architecture.Name}' has no trainable parts; --params applies to adapter architectures");
            long total = 0;
            foreach (var (part, count) in architecture.TrainableParts(module))
            {
                cli.Out.WriteLine($"{part}\t{count}");
                total += count;
            }
            cli.Out.WriteLine($"total\t{total}");
            return ExitCodes.Success;
        }

        cli.Out.WriteLine($"# {architecture.Name}: {architecture.Description}");
        foreach (var (key, tensor) in module.state_dict())
            cli.Out.WriteLine($"{key}\t[{string.Join(", ", tensor.shape)}]");
        return ExitCodes.Success;
    }
}
