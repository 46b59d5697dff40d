namespace Clap2Diffusion.Engine.Parity;

/// <summary>
/// One kind of parity fixture (the diffusers schedulers, the tiny CLAP model, the FID network, …): how to
/// recognise its folder and how to run our implementation on its stored inputs.
/// </summary>
public interface IParityKind
{
    /// <summary>Short name shown in reports and in the list of known kinds ("schedulers", "clap_tiny").</summary>
    string Name { get; }

    /// <summary>What such a folder holds, for the message that lists the known kinds.</summary>
    string Layout { get; }

    /// <summary>True when the folder has this kind's files and metadata; never throws on foreign files.</summary>
    bool Recognises(FixtureFolder folder);

    /// <summary>
    /// Runs our implementation on the fixture's inputs and hands every output to <paramref name="run"/>, which
    /// compares it with the reference. A fixture that lacks something this kind needs is an <see cref="InputException"/>.
    /// </summary>
    void Run(FixtureFolder folder, ParityRun run);
}
