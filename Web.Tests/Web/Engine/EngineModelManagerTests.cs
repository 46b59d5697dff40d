using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Server.Models;

namespace Clap2Diffusion.Tests.Web.Engine;

[Collection(SmokeEngineCollection.Name)]
public sealed class EngineModelManagerTests(SmokeEngine engine)
{
    [Fact]
    public void Scan_finds_base_models_clap_folders_adapter_sets_and_training_checkpoints()
    {
        var checkpoint = engine.StraightRun().Reporter.Checkpoints[^1].Folder;

        var found = engine.Manager(engine.Models()).Scan([engine.ModelsRoot, engine.Paths.OutputFolder]);

        var byFolder = found.ToDictionary(f => f.Folder, f => f.Component);
        Assert.Equal(ModelComponent.BaseModel, byFolder[engine.ModelFolder]);
        Assert.Equal(ModelComponent.BaseModel, byFolder[engine.CorruptModelFolder]);
        Assert.Equal(ModelComponent.Clap, byFolder[Path.Combine(engine.ModelFolder, "clap")]);
        Assert.Equal(ModelComponent.Adapters, byFolder[Path.Combine(engine.ModelFolder, "adapters")]);
        Assert.Equal(ModelComponent.Adapters, byFolder[checkpoint]);
        Assert.Equal(ModelComponent.Adapters, byFolder[Path.Combine(engine.CorruptModelFolder, "adapters")]);
        Assert.DoesNotContain(Path.Combine(checkpoint, "adapters"), byFolder.Keys);
        Assert.Contains("training checkpoint", found.Single(f => f.Folder == checkpoint).Origin);
        Assert.Equal("models/smoke/clap", found.Single(f => f.Folder == Path.Combine(engine.ModelFolder, "clap")).Name);
    }

    [Fact]
    public void Check_passes_the_smoke_model_and_fails_its_truncated_copy_with_the_reasons()
    {
        var manager = engine.Manager(engine.Models());

        var good = manager.Check(engine.ModelFolder, ModelComponent.BaseModel);
        var truncated = manager.Check(engine.CorruptModelFolder, ModelComponent.BaseModel);
        var clap = manager.Check(Path.Combine(engine.ModelFolder, "clap"), ModelComponent.Clap);
        var notClap = manager.Check(Path.Combine(engine.ModelFolder, "unet"), ModelComponent.Clap);
        var adapters = manager.Check(Path.Combine(engine.ModelFolder, "adapters"), ModelComponent.Adapters);
        var truncatedAdapters = manager.Check(Path.Combine(engine.CorruptModelFolder, "adapters"), ModelComponent.Adapters);

        Assert.True(good.Ok, Problems(good));
        Assert.Contains(good.Components, c => c.Component == "unet" && c.Ok);
        Assert.False(truncated.Ok);
        var unet = Assert.Single(truncated.Components, c => !c.Ok);
        Assert.Equal("unet", unet.Component);
        Assert.NotEmpty(unet.Problems);
        Assert.True(clap.Ok, Problems(clap));
        Assert.False(notClap.Ok);
        Assert.True(adapters.Ok, Problems(adapters));
        Assert.False(truncatedAdapters.Ok);
        Assert.NotEmpty(Assert.Single(truncatedAdapters.Components).Problems);
    }

    [Fact]
    public void Adapters_trained_on_another_base_model_are_refused_as_a_problem_not_a_crash()
    {
        var models = engine.Models();
        var manager = engine.Manager(models);
        var demoAdapters = Path.Combine(engine.ModelFolder, "adapters");
        var before = models.Current;
        var onOtherBase = new ModelSelection(engine.CorruptModelFolder, null, demoAdapters);

        var check = manager.Check(demoAdapters, ModelComponent.Adapters, onOtherBase);
        var refused = Assert.Throws<InputException>(() => manager.Activate(onOtherBase));

        Assert.False(check.Ok);
        Assert.Contains(check.Components.Single(c => c.Component == "base model").Problems, p => p.Contains("trained on base model", StringComparison.Ordinal));
        Assert.Contains("trained on base model", refused.Message);
        Assert.Equal(before, models.Current);
    }

    [Fact]
    public void Activate_switches_the_generation_backend_to_a_training_checkpoint_from_its_next_description()
    {
        var checkpoint = engine.StraightRun().Reporter.Checkpoints[^1].Folder;
        var models = engine.Models();
        using var generation = engine.Generation(models);
        var manager = engine.Manager(models);

        var before = generation.Describe();
        manager.Activate(new ModelSelection(null, null, checkpoint));
        var after = generation.Describe();

        Assert.Equal(ModelHash.OfFile(Path.Combine(engine.ModelFolder, "adapters", AdapterFolder.WeightsFile)), before.AdapterHash);
        Assert.Equal(ModelHash.OfFile(Path.Combine(checkpoint, "adapters", AdapterFolder.WeightsFile)), after.AdapterHash);
        Assert.NotEqual(before.AdapterHash, after.AdapterHash);
        Assert.Equal(before.ModelHash, after.ModelHash);
        Assert.True(after.AudioConditioningAvailable);
    }

    private static string Problems(ModelCheckReport report) =>
        string.Join("; ", report.Components.SelectMany(c => c.Problems.Select(p => $"{c.Component}: {p}")));
}
