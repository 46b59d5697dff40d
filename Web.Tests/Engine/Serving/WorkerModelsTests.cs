using System.Buffers.Binary;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Serving;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Serving;

/// <summary>How a worker follows the admin's model orders, on the real demo model: a good order changes its set, a bad one is reported and changes nothing.</summary>
public sealed class WorkerModelsTests
{
    [Fact]
    public void A_worker_loads_an_order_it_can_keeps_its_set_on_one_it_cannot_and_tries_each_order_once()
    {
        using var other = new TempFolder("worker-models-adapters");
        foreach (var file in Directory.GetFiles(Path.Combine(EmbeddedModel.DefaultFolder, "adapters")))
            File.Copy(file, other.File(Path.GetFileName(file)));
        var weights = other.File(AdapterFolder.WeightsFile);
        var bytes = File.ReadAllBytes(weights);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(bytes.Length - 4), 0.5f);
        File.WriteAllBytes(weights, bytes);
        var options = new ServeOptions("127.0.0.1:1", new Uri("http://127.0.0.1:1/"), new string('k', 48), "w", null, "cpu", 1, TimeSpan.Zero);
        using var log = new StringWriter();
        using var models = new WorkerModels(options, ComputeTarget.Cpu, 0.35, log);

        models.LoadFirst(null);
        var own = models.Engine.ModelSet;
        Assert.Equal(0, models.Generation);

        var missing = new ModelOrder(1, null, null, "/no/such/adapters");
        Assert.True(models.ShouldTry(missing));
        models.Switch(missing);
        Assert.Equal((own, 0L), (models.Engine.ModelSet, models.Generation));
        Assert.Contains("/no/such/adapters does not exist on this worker", models.Error);
        Assert.False(models.ShouldTry(missing));

        var good = new ModelOrder(2, null, null, other.Path);
        models.Switch(good);
        Assert.Null(models.Error);
        Assert.Equal(2, models.Generation);
        Assert.NotEqual(own, models.Engine.ModelSet);
        Assert.Equal(ModelSetKey.Of(models.Engine.ModelHash, models.Engine.ClapHash, models.Engine.AdaptersHash), models.Engine.ModelSet);
        Assert.False(models.ShouldTry(good));
    }

    [Fact]
    public void Set_keys_differ_by_any_part_and_only_lowercase_hex_of_their_length_passes_as_one()
    {
        var key = ModelSetKey.Of("a", "b", "c");
        Assert.True(ModelSetKey.IsWellFormed(key));
        Assert.NotEqual(key, ModelSetKey.Of("a", "b", null));
        Assert.NotEqual(key, ModelSetKey.Of("a", null, "c"));
        Assert.NotEqual(key, ModelSetKey.Of("a", "b", "d"));
        Assert.False(ModelSetKey.IsWellFormed(key.ToUpperInvariant()));
        Assert.False(ModelSetKey.IsWellFormed(key[..15]));
        Assert.False(ModelSetKey.IsWellFormed(null));
    }
}
