namespace Clap2Diffusion.Engine.Demo;

/// <summary>
/// The embedded demo model: a small instance of the whole architecture trained by <c>demo build</c> on the
/// demo world, committed under <c>models/demo</c> and copied beside every program that uses the engine.
/// </summary>
public static class DemoModel
{
    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "models", "demo");

    /// <summary>The folder to use when the user names none: the embedded demo model, which must exist.</summary>
    public static string Require(string? folder)
    {
        if (folder is not null)
            return folder;
        if (!File.Exists(Path.Combine(DefaultFolder, "model_index.json")))
            throw new InputException($"no model folder was given and the embedded demo model is missing at {DefaultFolder}; " +
                "pass --model DIR (a diffusers folder) or build the demo model with `demo build`");
        return DefaultFolder;
    }
}
