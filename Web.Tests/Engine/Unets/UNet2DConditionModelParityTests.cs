using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Unets;

public sealed class UNet2DConditionModelParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("unet_dummy")]
    [InlineData("unet_mini")]
    public void Output_and_every_intermediate_match_diffusers(string fixture)
    {
        var folder = SharedData.PathOf("parity", "diffusers", fixture);
        using var unet = UNet2DConditionModel.FromPretrained(folder, ComputeTarget.Cpu);
        using var io = SafeTensorsFile.Open(Path.Combine(folder, "io.safetensors"));
        using var sample = io.Load("input.sample");
        using var timestep = io.Load("input.timestep");
        using var context = io.Load("input.encoder_hidden_states");
        var recorder = new ParityRecorder(io, "intermediate.");

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var result = unet.forward(sample, timestep, context, new UNetHooks { Observer = recorder.Observer });

        using var expected = io.Load("output.sample");
        var comparison = TensorAssert.Close(result, expected, atol: 1e-4, name: "output.sample");
        foreach (var line in recorder.Results.Append(comparison))
            output.WriteLine(line.ToString());
        recorder.AssertEveryIntermediateMatched();
    }
}
