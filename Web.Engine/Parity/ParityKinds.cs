using Clap2Diffusion.Engine.Parity.Kinds;

namespace Clap2Diffusion.Engine.Parity;

/// <summary>The fixture kinds the <c>parity</c> verb knows; a component's kind is one entry here.</summary>
public static class ParityKinds
{
    public static IReadOnlyList<IParityKind> All { get; } =
    [
        new SchedulersParity(),
        new UNetParity(),
        new AutoencoderKLParity(),
        new PipelineParity(),
        new ClapParity(),
        new FidParity(),
        new ClapFeaturesParity(),
        new ClipTextParity(),
        new ClipParity(),
        new ClipTokenizerParity(),
    ];

    /// <summary>The kind whose files and metadata the folder holds.</summary>
    public static IParityKind Recognise(FixtureFolder folder) =>
        All.FirstOrDefault(kind => kind.Recognises(folder))
        ?? throw new InputException($"{folder.Path} is not a parity fixture folder of a known kind. Known kinds:" + Environment.NewLine
            + string.Join(Environment.NewLine, All.Select(kind => $"  {kind.Name}: {kind.Layout}")));
}
