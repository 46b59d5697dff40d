using System.CommandLine;
using Clap2Diffusion.Engine.Models;
using Clap2Diffusion.Engine.Models.Adapters;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Cli.Verbs;

/// <summary><c>keys --model NAME [--params]</c>: the state-dict keys and shapes of an architecture.</summary>
public static class KeysVerb
{
    public static Command Create(CliContext cli)
    {
        var model = new Option<string>("--model") { Description = "architecture name", Required = true };
        var parameters = new Option<bool>("--params") { Description = "print trainable parameter counts per part instead of keys" };
        var settings = new Option<string[]>("--set")
        {
            Description = "KEY=VALUE over an adapter architecture's config.json (e.g. lora_rank=4); repeatable",
        };
        var command = new Command("keys", "Print an architecture's state-dict keys and shapes (key<TAB>[d0, d1, ...]).")
        {
            model, parameters, settings,
        };
        command.SetAction(result => VerbAction.Guard(cli, () =>
            Run(cli, result.GetValue(model)!, result.GetValue(parameters), result.GetValue(settings) ?? [])));
        return command;
    }

    public static int Run(CliContext cli, string modelName, bool parameters, IReadOnlyList<string>? settings = null)
    {
        var architecture = ArchitectureCatalog.Find(modelName);
        settings ??= [];
        if (settings.Count > 0 && architecture.AdapterConfig is null)
            throw new InputException($"--set changes an adapter config; '{architecture.Name}' has none");
        using var module = settings.Count > 0
            ? ArchitectureCatalog.V4ForSd15(AdapterConfigOverrides.Apply(architecture.AdapterConfig!, settings), META)
            : architecture.Create(META);
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
