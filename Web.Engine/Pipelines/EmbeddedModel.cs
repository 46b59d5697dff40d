namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>
/// The model every program that uses the engine carries beside itself (<c>models/demo</c>, built by
/// <c>demo build</c>), in the same layouts as a real checkpoint: the model a user gets when they name none.
/// </summary>
public static class EmbeddedModel
{
    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "models", "demo");

    /// <summary>The folder to use when the user names none: the embedded model, which must exist.</summary>
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
