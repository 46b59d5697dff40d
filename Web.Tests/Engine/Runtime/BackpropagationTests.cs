using System.Text.RegularExpressions;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Runtime;

/// <summary>
/// LibTorch's oneDNN switch is one per process; these tests read it, so nothing else may flip it while they run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LibTorchSwitchesCollection
{
    public const string Name = "LibTorch's process-wide switches";
}

/// <summary>Gradients through convolutions agree with float64 (decision record 0017).</summary>
[Collection(LibTorchSwitchesCollection.Name)]
public sealed class BackpropagationTests
{
    /// <summary>
    /// The shape that exposed the fault: the tail of a tiny UNet (8 channels to 4, 3x3, batch 2). With oneDNN's
    /// backward the float32 input gradient summed to 94.8, 136.2, 194.6 or NaN depending on the process and the
    /// pass, where float64 gives 217.58; every pass here must agree with float64.
    /// </summary>
    [Theory]
    [InlineData(2, 8, 4, 8)]
    [InlineData(2, 4, 8, 8)]
    [InlineData(2, 16, 16, 4)]
    [InlineData(1, 32, 32, 16)]
    public void Input_gradients_through_a_convolution_agree_with_float64_on_every_pass(int batch, int channels, int outputs, int size)
    {
        for (var pass = 0; pass < 4; pass++)
        {
            using var scope = NewDisposeScope();
            var generator = new Generator((ulong)(pass + 1));
            var input = randn([batch, channels, size, size], generator: generator).requires_grad_(true);
            var weight = randn([outputs, channels, 3, 3], generator: generator);
            var bias = randn([outputs], generator: generator);

            Backpropagation.Run(nn.functional.conv2d(input, weight, bias, padding: [1, 1]).pow(Scalars.Two).mean());

            var reference = input.detach().to_type(ScalarType.Float64).requires_grad_(true);
            nn.functional.conv2d(reference, weight.to_type(ScalarType.Float64), bias.to_type(ScalarType.Float64), padding: [1, 1])
                .pow(Scalars.Two).mean().backward();
            var error = input.grad!.to_type(ScalarType.Float64).sub(reference.grad!).abs().max().item<double>();
            var scale = reference.grad!.abs().max().item<double>();
            Assert.True(error <= 1e-5 * scale, $"pass {pass}: the float32 gradient is off by {error:E2} (largest value {scale:E2})");
        }
    }

    [Fact]
    public void OneDnn_is_off_only_while_a_backward_runs_and_nested_uses_keep_it_off()
    {
        using var scope = NewDisposeScope();
        using var warm = ones(1);
        var before = LibTorchContext.OneDnnEnabled;
        LibTorchContext.OneDnnEnabled = true;
        try
        {
            var outer = Backpropagation.WithoutOneDnnConvolutions();
            var inner = Backpropagation.WithoutOneDnnConvolutions();
            Assert.False(LibTorchContext.OneDnnEnabled);
            inner.Dispose();
            inner.Dispose();
            Assert.False(LibTorchContext.OneDnnEnabled);
            outer.Dispose();
            Assert.True(LibTorchContext.OneDnnEnabled);
        }
        finally
        {
            LibTorchContext.OneDnnEnabled = before;
        }
    }

    [Fact]
    public void A_failing_backward_still_restores_the_switch()
    {
        using var scope = NewDisposeScope();
        using var constant = ones(3);
        var before = LibTorchContext.OneDnnEnabled;

        // A tensor that needs no gradient cannot be differentiated; LibTorch throws from inside the backward.
        Assert.ThrowsAny<Exception>(() => Backpropagation.Run(constant.sum()));

        Assert.Equal(before, LibTorchContext.OneDnnEnabled);
    }

    /// <summary>Every gradient in the engine goes through <see cref="Backpropagation"/>, or the fault comes back.</summary>
    [Fact]
    public void The_engine_differentiates_only_through_Backpropagation()
    {
        var direct = new Regex(@"\.backward\s*\(|autograd\s*\.\s*(backward|grad)\s*\(");
        var engine = Path.Combine(SharedData.RepositoryRoot, "Web.Engine");
        var separator = Path.DirectorySeparatorChar;
        var offenders = Directory.EnumerateFiles(engine, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{separator}obj{separator}") && !f.Contains($"{separator}bin{separator}"))
            // The self-check differentiates through oneDNN on purpose, to see whether its backward is right.
            .Where(f => Path.GetFileName(f) is not ("Backpropagation.cs" or "OneDnnSelfCheck.cs"))
            .SelectMany(f => File.ReadLines(f).Select((line, index) => (f, line, index)))
            .Where(x => !x.line.TrimStart().StartsWith("//") && !x.line.TrimStart().StartsWith("///") && direct.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(engine, x.f)}:{x.index + 1}: {x.line.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "Differentiate with Backpropagation.Run instead:\n" + string.Join("\n", offenders));
    }
}
