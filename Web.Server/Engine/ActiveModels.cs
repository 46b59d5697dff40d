using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Pipelines;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Server.Engine;

/// <summary>The folders one engine setup runs from.</summary>
/// <param name="Model">The diffusers base model folder.</param>
/// <param name="Clap">The CLAP folder; null when the base model has no <c>clap/</c> and none is configured (text only).</param>
/// <param name="Adapters">The V4 adapter folder; null when there is none (text only).</param>
public sealed record ModelFolders(string Model, string? Clap, string? Adapters);

/// <summary>
/// The base model, CLAP and adapters the engine uses now: the configured ones ("Engine") until an admin
/// activates others. Generation, training and evaluation all start from these, so a switch reaches all three.
/// </summary>
public sealed class ActiveModels(IOptions<EngineModelOptions> options)
{
    private volatile ModelFolders? _current;

    /// <summary>The folders in use; the configured ones until <see cref="Use"/> is called.</summary>
    public ModelFolders Current => _current ??= Resolve(ModelSelection.Defaults);

    public void Use(ModelFolders folders) => _current = folders;

    /// <summary>
    /// The folders a selection stands for. A part it leaves out is the configured one, except that configured
    /// adapters belong to the configured base model: with another base, the default is that model's own
    /// <c>adapters/</c>. A training checkpoint stands for the adapter set inside it.
    /// </summary>
    public ModelFolders Resolve(ModelSelection selection)
    {
        var settings = options.Value;
        var configuredModel = EmbeddedModel.Require(NullIfEmpty(settings.ModelFolder));
        var model = NullIfEmpty(selection.BaseModelFolder) ?? configuredModel;
        var sameBase = string.Equals(Path.GetFullPath(model), Path.GetFullPath(configuredModel), StringComparison.Ordinal);
        var clap = NullIfEmpty(selection.ClapFolder) ?? NullIfEmpty(settings.ClapFolder) ?? Existing(Path.Combine(model, "clap"));
        var adapters = NullIfEmpty(selection.AdapterFolder) is { } chosen
            ? AdapterSets.Resolve(chosen)
            : (sameBase ? NullIfEmpty(settings.AdaptersFolder) : null) ?? Existing(Path.Combine(model, "adapters"));
        return new ModelFolders(model, clap, adapters);
    }

    private static string? Existing(string folder) => Directory.Exists(folder) ? folder : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
