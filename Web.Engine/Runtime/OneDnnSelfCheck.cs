using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Runtime;

/// <summary>
/// Runs the convolutions that LibTorch 2.10's oneDNN got wrong on this project's machines, once through oneDNN and
/// once through the im2col kernels (which agree with float64), and reports the first disagreement. The shapes are
/// the channel counts that are not a multiple of the vector width: forward passes with 12, 20, 24 or 40 input
/// channels and backward passes to 3, 4 or 8 channels came out off by 40-100% or NaN; multiples of 16, as in SD 1.5's
/// blocks, came out right (docs/decisions/0017-onednn-convolutions.md).
/// </summary>
internal static class OneDnnSelfCheck
{
    private const double Tolerance = 1e-4;

    private static readonly (int In, int Out, int Size)[] Shapes =
        [(24, 16, 4), (40, 16, 8), (20, 20, 8), (12, 8, 8), (8, 4, 8), (128, 3, 16), (32, 4, 8)];

    /// <summary>Null when oneDNN agrees on every shape (twice: its first pass in a process was the worst), else what differed.</summary>
    public static string? FindDisagreement()
    {
        var enabledBefore = LibTorchContext.OneDnnEnabled;
        try
        {
            for (var pass = 0; pass < 2; pass++)
                foreach (var shape in Shapes)
                    if (Disagreement(shape) is { } problem)
                        return problem;
            return null;
        }
        finally
        {
            LibTorchContext.OneDnnEnabled = enabledBefore;
        }
    }

    private static string? Disagreement((int In, int Out, int Size) shape)
    {
        using var scope = NewDisposeScope();
        using var enableGrad = enable_grad();
        var generator = new Generator(17);
        var input = randn([2, shape.In, shape.Size, shape.Size], generator: generator);
        var weight = randn([shape.Out, shape.In, 3, 3], generator: generator);
        var outputGradient = randn([2, shape.Out, shape.Size, shape.Size], generator: generator);

        LibTorchContext.OneDnnEnabled = true;
        var (oneDnnOutput, oneDnnGradient) = ForwardAndBackward(input, weight, outputGradient);
        LibTorchContext.OneDnnEnabled = false;
        var (output, gradient) = ForwardAndBackward(input, weight, outputGradient);

        var name = $"{shape.In}->{shape.Out} channels, 3x3 on {shape.Size}x{shape.Size}";
        // Written so that NaN, which compares false with everything, counts as a disagreement.
        var forward = RelativeError(oneDnnOutput, output);
        if (!(forward <= Tolerance))
            return $"oneDNN's convolution ({name}) is off by {forward:P1} of its largest value";
        var backward = RelativeError(oneDnnGradient, gradient);
        if (!(backward <= Tolerance))
            return $"oneDNN's convolution backward ({name}) is off by {backward:P1} of its largest value";
        return null;
    }

    private static (Tensor Output, Tensor InputGradient) ForwardAndBackward(Tensor input, Tensor weight, Tensor outputGradient)
    {
        var leaf = input.detach().requires_grad_(true);
        var output = nn.functional.conv2d(leaf, weight, padding: [1, 1]);
        output.backward([outputGradient]);
        return (output.detach(), leaf.grad!);
    }

    /// <summary>Largest difference over the reference's largest magnitude; NaN when either has a NaN.</summary>
    private static double RelativeError(Tensor actual, Tensor reference)
    {
        var difference = actual.sub(reference).abs().max().item<float>();
        var scale = reference.abs().max().item<float>();
        return difference / Math.Max(scale, 1e-12);
    }
}
