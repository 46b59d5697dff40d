using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Models;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>
/// A stand-in for the engine's model folders: a folder is a base model when it has <c>model_index.json</c>,
/// a CLAP model with <c>clap.json</c>, an adapter set with <c>adapters.safetensors</c>; <c>check-weights</c> passes
/// when that file exists and is not empty.
/// </summary>
public sealed class TestModelManager : IModelManager
{
    private static readonly Dictionary<ModelComponent, string> Markers = new()
    {
        [ModelComponent.BaseModel] = "model_index.json",
        [ModelComponent.Clap] = "clap.json",
        [ModelComponent.Adapters] = "adapters.safetensors",
    };

    private volatile ModelSelection _active = ModelSelection.Defaults;

    public ModelSelection Active => _active;

    public List<string?> ActivatedOnThreads { get; } = [];

    public IReadOnlyList<ModelFolderInfo> Scan(IReadOnlyList<string> roots) =>
        roots.Where(Directory.Exists)
            .SelectMany(root => Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Prepend(root))
            .SelectMany(folder => Markers.Where(m => File.Exists(Path.Combine(folder, m.Value)))
                .Select(m => new ModelFolderInfo(m.Key, folder, Path.GetFileName(folder), null)))
            .ToList();

    public ModelCheckReport Check(string folder, ModelComponent component)
    {
        var marker = Path.Combine(folder, Markers[component]);
        var ok = File.Exists(marker) && new FileInfo(marker).Length > 0;
        return new ModelCheckReport(folder, ok,
            [new ComponentCheck(component.ToString(), ok, ok ? [] : [$"missing or empty: {Markers[component]}"])]);
    }

    public void Activate(ModelSelection selection)
    {
        lock (ActivatedOnThreads)
            ActivatedOnThreads.Add(Thread.CurrentThread.Name);
        _active = selection;
    }
}
