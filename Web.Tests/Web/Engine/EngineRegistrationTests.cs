using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Server.Models;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Clap2Diffusion.Tests.Web.Engine;

[Collection(SmokeEngineCollection.Name)]
public sealed class EngineRegistrationTests(SmokeEngine engine)
{
    [Fact]
    public async Task The_app_runs_the_engine_behind_the_training_evaluation_and_model_seams()
    {
        using var data = new TempFolder("engine-app");
        await using var factory = await new StudioFactory(data.Path, new TestGenerationBackend(), new Dictionary<string, string?>
        {
            ["Engine:ModelFolder"] = engine.ModelFolder,
            ["Engine:Device"] = "cpu",
            ["Training:DatasetRoots:0"] = engine.Work,
            ["Models:Roots:0"] = engine.ModelsRoot,
        }).ReadyAsync();

        var dataset = await factory.Get<IRunConsole>().CheckDatasetAsync(new TrainingSettings { DatasetFolder = engine.World, SampleLimit = 4 });
        var listed = await factory.Get<IModelConsole>().ListAsync();
        var truncated = await factory.Get<IModelConsole>().CheckAsync(engine.CorruptModelFolder, ModelComponent.BaseModel);

        Assert.IsType<EngineTrainingBackend>(factory.Get<ITrainingBackend>());
        Assert.IsType<EngineEvaluationBackend>(factory.Get<IEvaluationBackend>());
        Assert.IsType<EngineModelManager>(factory.Get<IModelManager>());
        Assert.Same(factory.Get<IModelManager>(), factory.Get<IModelManager>());
        Assert.True(dataset.CanTrain, string.Join("; ", dataset.Problems));
        Assert.Equal(4, dataset.Usable);
        Assert.Contains(listed, f => f.Component == ModelComponent.BaseModel && f.Folder == engine.ModelFolder);
        Assert.False(truncated.Ok);
    }

    [Fact]
    public async Task An_admin_switch_to_a_training_checkpoint_reaches_the_studio_engine_before_its_next_job()
    {
        var checkpoint = engine.StraightRun().Reporter.Checkpoints[^1].Folder;
        using var data = new TempFolder("engine-switch");
        await using var factory = await new StudioFactory(data.Path, backend: null, new Dictionary<string, string?>
        {
            ["Engine:ModelFolder"] = engine.ModelFolder,
            ["Engine:Device"] = "cpu",
            ["Models:Roots:0"] = engine.ModelsRoot,
            ["Models:Roots:1"] = engine.DataFolder,
        }).ReadyAsync();
        var state = factory.Get<EngineState>();
        var before = state.Backend!.AdapterHash;

        var refused = await factory.Get<IModelConsole>().ActivateAsync(new ModelSelection(engine.CorruptModelFolder, null, checkpoint));
        var switched = await factory.Get<IModelConsole>().ActivateAsync(new ModelSelection(null, null, checkpoint));
        var expected = ModelHash.OfFile(Path.Combine(checkpoint, "adapters", AdapterFolder.WeightsFile));
        await StudioApi.WaitUntilAsync(() => state.Backend?.AdapterHash == expected, "the engine describes the checkpoint's adapters");

        Assert.False(refused.Activated);
        Assert.Contains(refused.Checks, c => !c.Ok && c.Components.Any(p => p.Problems.Any(x => x.Contains("trained on base model", StringComparison.Ordinal))));
        Assert.True(switched.Activated, string.Join("; ", switched.Problems));
        Assert.NotEqual(before, expected);
        Assert.True(state.Status.Ready);
    }
}
