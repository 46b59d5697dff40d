namespace Clap2Diffusion.Client.Contracts;

public enum ModelComponent
{
    /// <summary>A diffusers Stable Diffusion 1.5 folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/).</summary>
    BaseModel,
    /// <summary>A transformers CLAP folder.</summary>
    Clap,
    /// <summary>
    /// A folder of trained audio adapters (a training checkpoint). A domain is an adapter set: each carries its own
    /// gates, so there is no separate gate-set component.
    /// </summary>
    Adapters,
}

/// <param name="Origin">Where it came from when the server knows ("training run 3f2a…, step 200").</param>
public sealed record ModelFolderInfo(ModelComponent Component, string Folder, string Name, string? Origin);

/// <summary>OK or FAIL for one part of a folder (unet, vae, text_encoder, adapters...), with every key problem found.</summary>
public sealed record ComponentCheck(string Component, bool Ok, IReadOnlyList<string> Problems);

/// <summary>The result of <c>check-weights</c> on a folder.</summary>
public sealed record ModelCheckReport(string Folder, bool Ok, IReadOnlyList<ComponentCheck> Components)
{
    public static ModelCheckReport Refused(string folder, string problem) => new(folder, false, [new ComponentCheck("folder", false, [problem])]);
}

/// <summary>The models the engine uses for the next job; null leaves a part as the engine's configured default.</summary>
public sealed record ModelSelection(string? BaseModelFolder, string? ClapFolder, string? AdapterFolder)
{
    public static ModelSelection Defaults { get; } = new(null, null, null);
}

public sealed record ActivateResult(bool Activated, IReadOnlyList<ModelCheckReport> Checks, IReadOnlyList<string> Problems);

/// <summary>Model management for admins: what is there, whether it loads, and which is active.</summary>
public interface IModelConsole
{
    IReadOnlyList<string> Roots { get; }

    Task<IReadOnlyList<ModelFolderInfo>> ListAsync(CancellationToken cancellationToken = default);

    Task<ModelCheckReport> CheckAsync(string folder, ModelComponent component, CancellationToken cancellationToken = default);

    Task<ModelSelection> ActiveAsync(CancellationToken cancellationToken = default);

    /// <summary>Checks every folder it names (under the roots, and <c>check-weights</c> OK), then makes it active for the next job.</summary>
    Task<ActivateResult> ActivateAsync(ModelSelection selection, CancellationToken cancellationToken = default);
}
