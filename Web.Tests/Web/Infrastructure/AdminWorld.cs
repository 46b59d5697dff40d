using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Models;
using Clap2Diffusion.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

/// <summary>
/// A data folder with a dataset root (holding a small "demo world" dataset: clips plus a stray text file) and a
/// model root (a base model, a CLAP model, an adapter set and a broken adapter set), with the test
/// doubles behind every engine seam.
/// </summary>
public sealed class AdminWorld : IDisposable
{
    private readonly TempFolder _root = new("admin-world");

    public AdminWorld()
    {
        Directory.CreateDirectory(DataFolder);
        Directory.CreateDirectory(Demo);
        for (var i = 0; i < 4; i++)
            File.WriteAllBytes(Path.Combine(Demo, $"clip-{i}.wav"), Wav.Tone(0.2));
        File.WriteAllText(Path.Combine(Demo, "notes.txt"), "not a clip");
        Directory.CreateDirectory(Path.Combine(DatasetRoot, "empty"));
        Directory.CreateDirectory(Outside);
        File.WriteAllBytes(Path.Combine(Outside, "secret.wav"), Wav.Tone(0.2));
        Marker("sd15", "model_index.json");
        Marker("clap", "clap.json");
        Marker("adapters-v4", "adapters.safetensors");
        Directory.CreateDirectory(Path.Combine(ModelRoot, "adapters-broken"));
        File.WriteAllBytes(Path.Combine(ModelRoot, "adapters-broken", "adapters.safetensors"), []);
        Generation = new TestGenerationBackend { ActiveAdapters = () => Models.Active.AdapterFolder };
    }

    public string DataFolder => Path.Combine(_root.Path, "data");

    public string DatasetRoot => Path.Combine(_root.Path, "datasets");

    public string Demo => Path.Combine(DatasetRoot, "demo-world");

    public string ModelRoot => Path.Combine(_root.Path, "models");

    /// <summary>A folder beside the roots that no choice may reach.</summary>
    public string Outside => Path.Combine(_root.Path, "outside");

    public TestTrainingBackend Training { get; } = new();

    public TestEvaluationBackend Evaluation { get; } = new();

    public TestModelManager Models { get; } = new();

    public TestGenerationBackend Generation { get; }

    public StudioFactory Factory(IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Training:DatasetRoots:0"] = DatasetRoot,
            ["Models:Roots:0"] = ModelRoot,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;
        return new StudioFactory(DataFolder, Generation, values)
        {
            EngineDoubles = services =>
            {
                services.AddSingleton<ITrainingBackend>(Training);
                services.AddSingleton<IEvaluationBackend>(Evaluation);
                services.AddSingleton<IModelManager>(Models);
            },
        };
    }

    private void Marker(string folder, string file)
    {
        Directory.CreateDirectory(Path.Combine(ModelRoot, folder));
        File.WriteAllBytes(Path.Combine(ModelRoot, folder, file), [1, 2, 3]);
    }

    public void Dispose() => _root.Dispose();
}
