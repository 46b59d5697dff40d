using Clap2Diffusion.Engine.Models.Inception;
using Clap2Diffusion.Engine.Parity;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Fid;

public sealed class InceptionBlockParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData("block_fid_inception_a.safetensors", "Mixed_5b")]
    [InlineData("block_inception_b.safetensors", "Mixed_6a")]
    [InlineData("block_fid_inception_c.safetensors", "Mixed_6b")]
    [InlineData("block_fid_inception_e_1.safetensors", "Mixed_7b")]
    [InlineData("block_fid_inception_e_2.safetensors", "Mixed_7c")]
    public void Block_matches_pytorch_fid(string fixture, string key)
    {
        using var file = SafeTensorsFile.Open(FidFix.FixturePath(fixture));
        using var block = Build(key);
        var prefix = key + ".";
        var stored = file.Names.Any(n => n.StartsWith(prefix, StringComparison.Ordinal));
        var weights = stored
            ? file.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Select(n => (n, file.Load(n))).ToList()
            : FidFix.Generate(prefix);
        using (var checkpoint = Checkpoint.FromTensors(fixture, weights, new KeyTranslation("block", k => k[prefix.Length..])))
            StrictLoader.Load(block, checkpoint);
        block.eval();

        using var input = file.Load("input");
        using var expected = file.Load("output");
        using var noGrad = no_grad();
        using var actual = block.call(input);

        var comparison = TensorAssert.Close(actual, expected, Tolerance, Tolerance, $"{key} output");
        output.WriteLine(comparison.ToString());
        if (file.Contains("output_plain_torchvision"))
        {
            using var plain = file.Load("output_plain_torchvision");
            var control = TensorComparison.Compare($"{key} vs plain torchvision", actual, plain, Tolerance, Tolerance);
            output.WriteLine(control.ToString());
            Assert.True(control.MaxAbs > 0.5, $"the FID pooling is indistinguishable from torchvision's: {control}");
        }
    }

    private static nn.Module<Tensor, Tensor> Build(string key) => key switch
    {
        "Mixed_5b" => new FIDInceptionA(192, pool_features: 32),
        "Mixed_6a" => new InceptionB(288),
        "Mixed_6b" => new FIDInceptionC(768, channels_7x7: 128),
        "Mixed_7b" => new FIDInceptionE_1(1280),
        "Mixed_7c" => new FIDInceptionE_2(2048),
        _ => throw new ArgumentException(key, nameof(key)),
    };
}
