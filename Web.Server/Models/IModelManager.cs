using Clap2Diffusion.Client.Contracts;

namespace Clap2Diffusion.Server.Models;

/// <summary>
/// The seam to the engine's model folders. <see cref="Scan"/> and <see cref="Check"/> read folders and weight
/// headers only, from request threads. <see cref="Activate"/> is called on the engine thread between jobs,
/// and the server then asks the generation backend to describe itself again, so the switch applies to the
/// next job without a restart.
/// </summary>
public interface IModelManager
{
    /// <summary>The model folders (base models, CLAP models, adapter sets) under <paramref name="roots"/>.</summary>
    IReadOnlyList<ModelFolderInfo> Scan(IReadOnlyList<string> roots);

    /// <summary><c>check-weights</c> on one folder: OK or FAIL per component, with the key problems.</summary>
    ModelCheckReport Check(string folder, ModelComponent component);

    /// <summary>
    /// <see cref="Check(string, ModelComponent)"/> as part of activating <paramref name="selection"/>, so a part that
    /// depends on others (adapters on their base model and CLAP) is checked against the ones it would run with.
    /// </summary>
    ModelCheckReport Check(string folder, ModelComponent component, ModelSelection selection) => Check(folder, component);

    /// <summary>Makes the selection the one the generation backend uses from its next job on.</summary>
    void Activate(ModelSelection selection);
}
