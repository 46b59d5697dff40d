using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Server.Engine;
using Clap2Diffusion.Tests.Infrastructure;
using Clap2Diffusion.Tests.Web.Infrastructure;

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
}
