using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Fid;

public sealed class FidFixGeneratorTests
{
    [Fact]
    public void Generator_reproduces_the_fixture_checksums_of_all_472_keys()
    {
        using var file = SafeTensorsFile.Open(FidFix.FixturePath("generator_check.safetensors"));
        var keys = file.Metadata["keys"].Split('\n');
        Assert.Equal(FidFix.Keys.Select(k => k.Key), keys);
        using var checks = file.Load("checks");
        var expected = checks.data<double>().ToArray();

        var worstSumError = 0.0;
        for (var row = 0; row < FidFix.Keys.Count; row++)
        {
            var (key, shape) = FidFix.Keys[row];
            var values = FidFix.Values(key, shape);
            double sum = 0, squares = 0;
            foreach (var v in values)
            {
                sum += v;
                squares += (double)v * v;
            }
            Assert.Equal(expected[row * 4], values[0]);
            Assert.Equal(expected[row * 4 + 1], values[^1]);
            worstSumError = Math.Max(worstSumError, Relative(sum, expected[row * 4 + 2]));
            worstSumError = Math.Max(worstSumError, Relative(squares, expected[row * 4 + 3]));
        }
        Assert.True(worstSumError <= 1e-9, $"worst relative sum error {worstSumError:G3}");
    }

    [Theory]
    [InlineData("block_fid_inception_a.safetensors", "Mixed_5b.")]
    [InlineData("block_inception_b.safetensors", "Mixed_6a.")]
    [InlineData("block_fid_inception_c.safetensors", "Mixed_6b.")]
    public void Generator_reproduces_the_stored_block_weights_bit_for_bit(string fixture, string prefix)
    {
        using var file = SafeTensorsFile.Open(FidFix.FixturePath(fixture));
        var stored = file.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var generated = FidFix.Keys.Where(k => k.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(generated.Select(k => k.Key).Order(), stored.Order());
        foreach (var (key, shape) in generated)
        {
            using var expected = file.Load(key);
            Assert.Equal(expected.data<float>().ToArray(), FidFix.Values(key, shape));
        }
    }

    private static double Relative(double actual, double expected) =>
        Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1e-300);
}
