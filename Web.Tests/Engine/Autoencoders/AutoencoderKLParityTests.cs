using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Parity;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Autoencoders;

public sealed class AutoencoderKLParityTests(ITestOutputHelper output)
{
    public const string LegacyWeights = "diffusion_pytorch_model.legacy_attention.safetensors";

    [Theory]
    [InlineData("vae_dummy", null)]
    [InlineData("vae_dummy", LegacyWeights)]
    [InlineData("vae_mini", null)]
    [InlineData("vae_mini", LegacyWeights)]
    public void Encode_decode_round_trip_and_intermediates_match_diffusers(string fixture, string? weightsFile)
    {
        var folder = SharedData.PathOf("parity", "diffusers", fixture);
        using var vae = AutoencoderKL.FromPretrained(folder, ComputeTarget.Cpu, weightsFile);
        using var io = SafeTensorsFile.Open(Path.Combine(folder, "io.safetensors"));
        using var image = io.Load("input.image");
        using var latent = io.Load("input.latent");
        var encoded = new ParityRecorder(io, "intermediate.encode.");
        var decoded = new ParityRecorder(io, "intermediate.decode.");
        var outputs = new ParityRecorder(io, "output.");
        TensorComparison? moments = null;

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using (var posterior = vae.encode(image, (path, value) =>
               {
                   encoded.Observer(path, value);
                   if (path == "quant_conv")
                       moments = outputs.Compare("output.encode.moments", value);
               }))
        {
            var results = new[]
            {
                outputs.Compare("output.encode.mean", posterior.mean),
                outputs.Compare("output.encode.logvar", posterior.logvar),
                outputs.Compare("output.encode.std", posterior.std),
                outputs.Compare("output.round_trip", vae.decode(posterior.mode())),
                outputs.Compare("output.decode", vae.decode(latent, decoded.Observer)),
                moments ?? throw new InvalidOperationException("quant_conv was not observed"),
            };
            foreach (var line in encoded.Results.Concat(decoded.Results).Concat(results))
                output.WriteLine(line.ToString());
            Assert.All(results, r => Assert.True(r.Passed, r.ToString()));
        }
        encoded.AssertEveryIntermediateMatched();
        decoded.AssertEveryIntermediateMatched();
        Assert.Equal(0.18215, vae.ScalingFactor);
    }
}
