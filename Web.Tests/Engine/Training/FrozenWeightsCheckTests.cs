using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training;
using Clap2Diffusion.Tests.Engine.Pipelines;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Training;

public sealed class FrozenWeightsCheckTests
{
    [Fact]
    public void The_check_passes_while_the_frozen_weights_are_untouched_and_fails_when_one_weight_changes()
    {
        using var model = new TinyPipelineFolder();
        using var components = TrainingComponents.Load(model.Root, null, ComputeTarget.Cpu);
        var check = new FrozenWeightsCheck(components);
        Assert.True(check.Unchanged());

        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var weight = components.UNet.named_parameters().First().parameter;
            weight.flatten()[0].add_(Scalars.One);
        }

        Assert.False(check.Unchanged());
    }
}
