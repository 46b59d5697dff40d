using System.Diagnostics;
using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Demo.Build;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Models;
using Clap2Diffusion.Server.Persistence;
using Clap2Diffusion.Server.Runs;
using Clap2Diffusion.Tests.Infrastructure;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Clap2Diffusion.Tests.Web.Engine;

/// <summary>The tests that run the real engine behind the server's seams share one smoke-profile demo model.</summary>
[CollectionDefinition(Name)]
public sealed class SmokeEngineCollection : ICollectionFixture<SmokeEngine>
{
    public const string Name = "Smoke engine";
}

/// <summary>
/// A temporary world for the engine backends: <c>demo build --profile smoke</c> once, its model in a models root
/// beside a copy whose UNet and adapter weights are cut short, its world dataset, and a runs folder whose feature cache
/// every training test shares. The first uninterrupted training run is kept for the tests that compare with it.
/// </summary>
public sealed class SmokeEngine : IDisposable
{
    private readonly TempFolder _root = new("smoke-engine");
    private readonly Lock _gate = new();
    private (TrainingWork Work, RecordingReporter Reporter, TrainingRunOutcome Outcome)? _straight;

    public SmokeEngine()
    {
        var clock = Stopwatch.StartNew();
        new DemoBuilder(DemoProfile.Smoke, Work, ModelFolder, 20261125UL, _ => { }, null).Run(null, CancellationToken.None);
        BuildTime = clock.Elapsed;
        CopyFolder(ModelFolder, CorruptModelFolder);
        foreach (var part in new[] { "unet", "adapters" })
        {
            var weights = Path.Combine(CorruptModelFolder, part, "diffusion_pytorch_model.safetensors");
            var bytes = File.ReadAllBytes(weights);
            File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        }
        Directory.CreateDirectory(DataFolder);
    }

    public TimeSpan BuildTime { get; }

    public string Work => Path.Combine(_root.Path, "work");

    /// <summary>The smoke build's AudioCaps-format world: 12 train, 4 val and 4 test rows.</summary>
    public string World => Path.Combine(Work, "world");

    public string ModelsRoot => Path.Combine(_root.Path, "models");

    public string ModelFolder => Path.Combine(ModelsRoot, "smoke");

    public string CorruptModelFolder => Path.Combine(ModelsRoot, "smoke-truncated");

    public string DataFolder => Path.Combine(_root.Path, "data");

    public IOptions<EngineModelOptions> EngineOptions => Options.Create(new EngineModelOptions { ModelFolder = ModelFolder, Device = "cpu" });

    public RunPaths Paths => new(Options.Create(new RunOptions()),
        new StoragePaths(Options.Create(new StorageOptions { DataFolder = DataFolder }), Environment), Environment);

    private HostingEnvironment Environment => new() { ContentRootPath = _root.Path, EnvironmentName = "Development" };

    public ActiveModels Models() => new(EngineOptions);

    public EngineTrainingBackend Training(ActiveModels models) =>
        new(EngineOptions, Options.Create(new RunOptions { SampleSteps = 1, SamplePairs = 1 }), Paths, models);

    public EngineEvaluationBackend Evaluation(ActiveModels models) => new(EngineOptions, Options.Create(new EvaluationOptions()), Options.Create(new CompositionOptions()), models);

    public EngineModelManager Manager(ActiveModels models) => new(models, NullLogger<EngineModelManager>.Instance);

    public EngineGenerationBackend Generation(ActiveModels models) =>
        new(EngineOptions, Options.Create(new SafetyOptions()), Options.Create(new CompositionOptions()), models,
            new Clap2Diffusion.Server.Models.LoraLibrary(Options.Create(new Clap2Diffusion.Server.Models.ModelOptions()), Environment),
            new RunTimeModel(), NullLogger<EngineGenerationBackend>.Instance);

    /// <summary>Stage 1 for four steps on four rows: a checkpoint at step 2 and at the end, samples at step 4.</summary>
    public TrainingSettings Settings => new()
    {
        Stage = 1, Steps = 4, LearningRate = 1e-3, BatchSize = 2, WarmupSteps = 1, CheckpointEvery = 2, SamplesEvery = 4,
        SampleLimit = 4, Seed = 7, DatasetFolder = World,
    };

    public TrainingWork NewWork(TrainingSettings settings, string? resumeFrom = null, long startStep = 0)
    {
        var id = Guid.NewGuid();
        return new TrainingWork(id, settings, Paths.RunFolder(id), resumeFrom, startStep);
    }

    /// <summary>The uninterrupted run of <see cref="Settings"/>, trained once and shared.</summary>
    public (TrainingWork Work, RecordingReporter Reporter, TrainingRunOutcome Outcome) StraightRun()
    {
        lock (_gate)
        {
            if (_straight is null)
            {
                var work = NewWork(Settings);
                var reporter = new RecordingReporter();
                _straight = (work, reporter, Training(Models()).Run(work, reporter, () => false, CancellationToken.None));
            }
            return _straight.Value;
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var folder in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(folder.Replace(from, to, StringComparison.Ordinal));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
    }

    public void Dispose() => _root.Dispose();
}
