using Clap2Diffusion.Engine.Benchmarks;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Benchmarks;

/// <summary>
/// TorchSharp's convolution constructors leave one tensor of their initialisation to the finaliser; the engine builds
/// every convolution through <see cref="OneDnn.Register{T}"/>, which disposes it. Counted process-wide, so alone.
/// </summary>
[Collection(ProcessTensorCountCollection.Name)]
public sealed class ConvolutionFinaliserTests
{
    [Fact]
    public void A_registered_convolution_and_the_demo_unet_and_vae_leave_nothing_to_the_finaliser()
    {
        SoakPhase.CollectAndCountFinalised();
        using (var conv = OneDnn.Register(() => nn.Conv2d(32, 32, 3)))
        using (var scope = NewDisposeScope())
            Assert.Equal([1L, 32, 6, 6], conv.forward(ones(1, 32, 8, 8)).shape);
        Assert.Equal(0, SoakPhase.CollectAndCountFinalised());

        var model = EmbeddedModel.Require(null);
        using (UNet2DConditionModel.FromPretrained(Path.Combine(model, "unet"), ComputeTarget.Cpu))
        using (AutoencoderKL.FromPretrained(Path.Combine(model, "vae"), ComputeTarget.Cpu))
            Assert.Equal(0, SoakPhase.CollectAndCountFinalised());
        Assert.Equal(0, SoakPhase.CollectAndCountFinalised());
    }
}
