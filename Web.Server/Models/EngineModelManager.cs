using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Server.Engine;

namespace Clap2Diffusion.Server.Models;

/// <summary>
/// <see cref="IModelManager"/> over the engine's model folders.
/// </summary>
public sealed class EngineModelManager(ActiveModels models, ILogger<EngineModelManager> logger) : IModelManager
{
    public IReadOnlyList<ModelFolderInfo> Scan(IReadOnlyList<string> roots) => ModelScanner.Scan(roots);

    public ModelCheckReport Check(string folder, ModelComponent component) => Check(folder, component, ModelSelection.Defaults);

    public ModelCheckReport Check(string folder, ModelComponent component, ModelSelection selection) => component switch
    {
        ModelComponent.BaseModel => ModelChecks.BaseModel(folder),
        ModelComponent.Clap => ModelChecks.Clap(folder),
        _ => CheckAdapters(folder, selection),
    };

    /// <summary>
    /// Switches the active folders; the generation backend releases its pipeline and loads the new one when it
    /// next describes itself. Adapters that do not fit the base model or CLAP they would run with are refused
    /// here, before anything changes.
    /// </summary>
    public void Activate(ModelSelection selection)
    {
        var folders = models.Resolve(selection);
        if (folders.Adapters is { } adapters)
        {
            var report = ModelChecks.Adapters(adapters, folders);
            if (!report.Ok)
                throw new InputException($"The adapters {adapters} do not fit: " +
                    string.Join(" ", report.Components.Where(c => !c.Ok).SelectMany(c => c.Problems)));
        }
        models.Use(folders);
        logger.LogInformation("Active models: base {Model}, CLAP {Clap}, adapters {Adapters}", folders.Model, folders.Clap ?? "none",
            folders.Adapters ?? "none");
    }

    private ModelCheckReport CheckAdapters(string folder, ModelSelection selection)
    {
        ModelFolders context;
        try
        {
            context = models.Resolve(selection with { AdapterFolder = folder });
        }
        catch (InputException error)
        {
            return ModelCheckReport.Refused(folder, error.Message);
        }
        return ModelChecks.Adapters(folder, context);
    }
}
