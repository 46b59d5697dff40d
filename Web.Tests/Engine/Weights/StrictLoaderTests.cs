using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Weights;

public sealed class StrictLoaderTests : IDisposable
{
    private readonly TempFolder folder = new("strict");

    public void Dispose() => folder.Dispose();

    private sealed class Tiny : nn.Module
    {
        public readonly nn.Module<Tensor, Tensor> proj;
        public readonly nn.Module<Tensor, Tensor> norm;

        public Tiny() : base(nameof(Tiny))
        {
            proj = nn.Linear(3, 2);
            norm = nn.BatchNorm1d(2);
            RegisterComponents();
        }
    }

    [Fact]
    public void Exact_checkpoint_loads_and_casts_half_to_the_module_dtype()
    {
        using var model = new Tiny();
        var path = folder.File("ok.safetensors");
        using (var weight = ones(2, 3).to_type(ScalarType.Float16))
        using (var bias = full(2, 0.25f))
        using (var gamma = ones(2))
        using (var beta = zeros(2))
        using (var mean = zeros(2))
        using (var variance = ones(2))
            SafeTensorsWriter.Save(path, [("proj.weight", weight), ("proj.bias", bias), ("norm.weight", gamma),
                ("norm.bias", beta), ("norm.running_mean", mean), ("norm.running_var", variance)]);

        using var checkpoint = Checkpoint.Open(path);
        var report = StrictLoader.Load(model, checkpoint);

        Assert.Equal(6, report.TensorCount);
        Assert.Contains("norm.num_batches_tracked", report.IgnoredDerived);
        Assert.Equal(1f, model.state_dict()["proj.weight"].mean().item<float>());
    }

    [Fact]
    public void Mismatch_names_every_missing_unexpected_and_misshaped_key()
    {
        using var model = new Tiny();
        var path = folder.File("bad.safetensors");
        using (var weight = ones(3, 3))
        using (var extra = ones(1))
            SafeTensorsWriter.Save(path, [("proj.weight", weight), ("stray.tensor", extra)]);

        using var checkpoint = Checkpoint.Open(path);
        var error = Assert.Throws<WeightsMismatchException>(() => StrictLoader.Load(model, checkpoint));

        Assert.Contains("missing     proj.bias", error.Message);
        Assert.Contains("missing     norm.running_var", error.Message);
        Assert.Contains("unexpected  stray.tensor [1]", error.Message);
        Assert.Contains("mis-shaped  proj.weight expected [2, 3], found [3, 3]", error.Message);
        Assert.DoesNotContain("num_batches_tracked", error.Message);
    }
}
