using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Runtime;

/// <summary>Proves that the native LibTorch loaded (the build's weak-version fix worked) and computes correctly.</summary>
public sealed class TorchRuntimeTests
{
    [Fact]
    public void Convolution_matches_hand_computed_values()
    {
        using var input = tensor(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }).reshape(1, 1, 3, 3);
        using var kernel = tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 1, 2, 2);
        using var bias = tensor(new float[] { 0.5f });

        using var output = nn.functional.conv2d(input, kernel, bias);

        // 1*1 + 2*2 + 4*3 + 5*4 = 37, then shifted one column or row at a time, plus the bias.
        Assert.Equal(new[] { 37.5f, 47.5f, 67.5f, 77.5f }, output.data<float>().ToArray());
    }

    [Fact]
    public void Scaled_dot_product_attention_matches_hand_computed_values()
    {
        using var query = tensor(new float[] { 1, 0 }).reshape(1, 1, 1, 2);
        using var key = tensor(new float[] { 1, 0, 0, 1 }).reshape(1, 1, 2, 2);
        using var value = tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 1, 2, 2);

        using var output = nn.functional.scaled_dot_product_attention(query, key, value);

        // Scores are q.k / sqrt(2) = [0.7071, 0]; softmax weights the two value rows.
        var first = Math.Exp(1 / Math.Sqrt(2));
        var w0 = first / (first + 1);
        var w1 = 1 / (first + 1);
        var actual = output.data<float>().ToArray();
        Assert.Equal(w0 * 1 + w1 * 3, actual[0], 5);
        Assert.Equal(w0 * 2 + w1 * 4, actual[1], 5);
    }

    [Fact]
    public void Cpu_target_computes_in_float32()
    {
        var target = ComputeTarget.Resolve(new DeviceSettings { Device = "cpu" });

        Assert.Equal(ScalarType.Float32, target.DType);
        Assert.Equal(DeviceType.CPU, target.Device.type);
    }

    [Theory]
    [InlineData("tpu", 0)]
    [InlineData("cpu", -1)]
    public void Bad_device_settings_are_refused_with_a_message(string device, int threads)
    {
        var settings = new DeviceSettings { Device = device, Threads = threads };

        var error = Assert.Throws<Clap2Diffusion.Engine.InputException>(settings.Validate);
        Assert.Contains(threads < 0 ? "threads" : device, error.Message);
    }
}
