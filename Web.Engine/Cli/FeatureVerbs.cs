using System.CommandLine;

namespace Clap2Diffusion.Engine.Cli;

/// <summary>Verbs a feature folder adds to the command line by registering itself (the demo's <c>demo</c>); listed after <c>generate</c>.</summary>
public static class FeatureVerbs
{
    private static readonly List<Func<CliContext, Command>> registered = [];

    public static IEnumerable<Command> Create(CliContext cli) => registered.Select(create => create(cli));

    public static void Register(Func<CliContext, Command> create) => registered.Add(create);
}
