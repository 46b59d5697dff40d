using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Adapters;

public sealed class V4GradientTests
{
    private static Dictionary<string, double> GradientNorms(AudioAdapters adapters, UNet2DConditionModel unet)
    {
        // Every tensor of the pass stays owned by the scope until the norms are read, so none can reach the finaliser
        // while LibTorch still uses it; the squared output's exponent is an owned Scalar for the same reason.
        using var scope = NewDisposeScope();
        var inputs = V4Fixture.Inputs();
        var tokens = adapters.audio_encoder.forward(inputs.Audio);
        var hook = new AudioAdapterHook(adapters, tokens, ones(2), new AudioStrength());
        var output = unet.forward(inputs.Sample, inputs.Timestep, inputs.Context, new UNetHooks { TransformerBlocks = hook });
        Backpropagation.Run(output.pow(Scalars.Two).mean());
        return adapters.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad is null ? 0.0 : p.parameter.grad.norm().item<float>());
    }

    [Fact]
    public void With_tanh_gates_at_zero_only_the_gates_receive_gradient()
    {
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet);

        var norms = GradientNorms(adapters, unet);

        Assert.All(norms.Where(n => n.Key.EndsWith(".gate")), n => Assert.True(n.Value > 0, $"{n.Key} has no gradient"));
        Assert.All(norms.Where(n => !n.Key.EndsWith(".gate")), n => Assert.Equal(0.0, n.Value));
        Assert.All(unet.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void With_sigmoid_gates_only_the_output_projections_receive_gradient()
    {
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet, V4Fixture.TinyAdapters with { GateActivation = "sigmoid" });

        var norms = GradientNorms(adapters, unet);

        static bool IsOutputProjection(string key) => key.StartsWith("unet.") && key.Contains(".attn_audio.to_out.0.");
        Assert.All(norms.Where(n => IsOutputProjection(n.Key)), n => Assert.True(n.Value > 0, $"{n.Key} has no gradient"));
        Assert.All(norms.Where(n => !IsOutputProjection(n.Key)), n => Assert.Equal(0.0, n.Value));
    }

    [Fact]
    public void Once_gates_open_every_adapter_and_encoder_parameter_learns_and_nothing_frozen_does()
    {
        using var unet = V4Fixture.UNet();
        using var adapters = V4Fixture.Adapters(unet);
        V4Fixture.SetGates(adapters, 0.5f);

        var norms = GradientNorms(adapters, unet);

        Assert.All(norms, n => Assert.True(n.Value > 0, $"{n.Key} receives no gradient"));
        Assert.Contains(norms.Keys, k => k.StartsWith("audio_encoder.projector.0."));
        Assert.Contains(norms.Keys, k => k.StartsWith("audio_encoder.projector.3."));
        Assert.All(unet.parameters(), p => Assert.Null(p.grad));
    }
}
