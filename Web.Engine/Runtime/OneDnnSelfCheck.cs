using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Runtime;

/// <summary>
/// Runs convolutions once through oneDNN and once through LibTorch's im2col kernels (which agree with float64) and
/// reports the first disagreement. Two sets: <see cref="Aligned"/>, the channel counts of SD 1.5, its VAE, CLAP,
/// CLIP's vision tower, Inception and the demo model (multiples of 16, 8, or at most 4 per group), forward only; and
/// <see cref="Unaligned"/>, the counts LibTorch 2.10's oneDNN got wrong on this project's machines (forward passes
/// with 12-40 input channels that are not a multiple of 16, backward passes to 3, 4 or 8 channels: off by 40-100%,
/// or NaN), forward and backward (docs/decisions/0017-onednn-convolutions.md).
/// </summary>
internal static class OneDnnSelfCheck
{
    private const double Tolerance = 1e-4;

    /// <param name="In">Input channels.</param>
    /// <param name="Out">Output channels.</param>
    /// <param name="Kernel">Square kernel size; the padding keeps the size at stride 1.</param>
    /// <param name="Size">Square input size.</param>
    /// <param name="Stride">Stride (2 for the downsamplers, the kernel size for patch embeddings).</param>
    /// <param name="Groups">Groups (the channel count for the depthwise blur of the demo classifier).</param>
    internal sealed record Shape(int In, int Out, int Kernel = 3, int Size = 8, int Stride = 1, int Groups = 1)
    {
        public override string ToString() =>
            $"{In}->{Out} channels, {Kernel}x{Kernel}{(Stride > 1 ? $" stride {Stride}" : "")}{(Groups > 1 ? $" in {Groups} groups" : "")} on {Size}x{Size}";
    }

    public static readonly IReadOnlyList<Shape> Aligned =
    [
        new(4, 320, Size: 16), new(320, 4, Size: 16), new(320, 320), new(640, 320, Kernel: 1), new(320, 320, Stride: 2),
        new(3, 128, Size: 32), new(128, 3, Size: 32), new(8, 8, Kernel: 1), new(8, 16), new(16, 16), new(32, 64), new(96, 32),
        new(1, 96, Kernel: 4, Size: 32, Stride: 4), new(3, 32, Kernel: 14, Size: 28, Stride: 14), new(3, 3, Kernel: 5, Groups: 3),
    ];

    public static readonly IReadOnlyList<Shape> Unaligned =
        [new(24, 16, Size: 4), new(40, 16), new(20, 20), new(12, 8), new(8, 4), new(128, 3, Size: 16), new(32, 4)];

    /// <summary>
    /// Null when oneDNN agrees on every shape (each twice: its first pass in a process was the worst), else what
    /// differed. With <paramref name="backward"/> the input gradients are compared too.
    /// </summary>
    public static string? FindDisagreement(IReadOnlyList<Shape> shapes, bool backward)
    {
        var enabledBefore = LibTorchContext.OneDnnEnabled;
        try
        {
            for (var pass = 0; pass < 2; pass++)
                foreach (var shape in shapes)
                    if (Disagreement(shape, backward) is { } problem)
                        return problem;
            return null;
        }
        finally
        {
            LibTorchContext.OneDnnEnabled = enabledBefore;
        }
    }

    private static string? Disagreement(Shape shape, bool backward)
    {
        using var scope = NewDisposeScope();
        using var enableGrad = enable_grad();
        var generator = new Generator(17);
        var input = randn([2, shape.In, shape.Size, shape.Size], generator: generator);
        var weight = randn([shape.Out, shape.In / shape.Groups, shape.Kernel, shape.Kernel], generator: generator);

        LibTorchContext.OneDnnEnabled = true;
        var (oneDnnOutput, oneDnnGradient) = Run(shape, input, weight, backward, new Generator(18));
        LibTorchContext.OneDnnEnabled = false;
        var (output, gradient) = Run(shape, input, weight, backward, new Generator(18));

        // Written so that NaN, which compares false with everything, counts as a disagreement.
        var forwardError = RelativeError(oneDnnOutput, output);
        if (!(forwardError <= Tolerance))
            return $"oneDNN's convolution ({shape}) is off by {forwardError:P1} of its largest value";
        if (backward)
        {
            var backwardError = RelativeError(oneDnnGradient!, gradient!);
            if (!(backwardError <= Tolerance))
                return $"oneDNN's convolution backward ({shape}) is off by {backwardError:P1} of its largest value";
        }
        return null;
    }

    private static (Tensor Output, Tensor? InputGradient) Run(Shape shape, Tensor input, Tensor weight, bool backward, Generator generator)
    {
        var leaf = input.detach().requires_grad_(backward);
        var padding = shape.Stride == 1 ? shape.Kernel / 2 : 0;
        var output = nn.functional.conv2d(leaf, weight, strides: [shape.Stride, shape.Stride], padding: [padding, padding], groups: shape.Groups);
        if (!backward)
            return (output, null);
        using var outputGradient = randn(output.shape, generator: generator);
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
