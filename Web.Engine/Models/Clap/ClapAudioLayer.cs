using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// One Swin block: pre-LN window attention (shifted by half a window on odd blocks) and a pre-LN MLP, each
/// around a residual. Tokens stay (B, H·W, C), row-major over the H×W grid.
/// </summary>
public sealed class ClapAudioLayer : nn.Module<Tensor, Tensor>
{
    public readonly LayerNorm layernorm_before;
    public readonly ClapAudioAttention attention;
    public readonly LayerNorm layernorm_after;
    public readonly ClapAudioIntermediate intermediate;
    public readonly ClapAudioOutput output;

    private readonly int height;
    private readonly int width;
    private readonly int windowSize;
    private readonly int shiftSize;
    private readonly float[]? shiftMask;

    public ClapAudioLayer(ClapAudioConfig config, int dim, (int Height, int Width) resolution, int numHeads, int shiftSize,
        Device? device = null) : base(nameof(ClapAudioLayer))
    {
        (height, width) = resolution;
        windowSize = config.WindowSize;
        // As transformers' set_shift_and_window_size: a grid no larger than one window is attended whole, unshifted.
        if (Math.Min(height, width) <= windowSize)
        {
            shiftSize = 0;
            windowSize = Math.Min(height, width);
        }
        this.shiftSize = shiftSize;
        shiftMask = shiftSize > 0 ? ShiftMask(height, width, windowSize, shiftSize) : null;

        layernorm_before = nn.LayerNorm(dim, eps: config.LayerNormEps, device: device);
        attention = new ClapAudioAttention(config, dim, numHeads, device);
        layernorm_after = nn.LayerNorm(dim, eps: config.LayerNormEps, device: device);
        intermediate = new ClapAudioIntermediate(config, dim, device);
        output = new ClapAudioOutput(config, dim, device);
        RegisterComponents();
    }

    public int ShiftSize => shiftSize;

    public int WindowSize => windowSize;

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var (batch, channels) = (hidden.shape[0], hidden.shape[2]);

        var grid = layernorm_before.forward(hidden).view(batch, height, width, channels);
        if (shiftSize > 0)
            grid = grid.roll([-shiftSize, -shiftSize], [1, 2]);
        var tokens = windowSize * windowSize;
        var windows = WindowPartition(grid, windowSize).view(-1, tokens, channels);
        var mask = shiftMask is null
            ? null
            : tensor(shiftMask, [shiftMask.Length / (tokens * tokens), tokens, tokens]).to(hidden.dtype, hidden.device);
        var attended = attention.forward(windows, mask).view(-1, windowSize, windowSize, channels);
        grid = WindowReverse(attended, windowSize, height, width);
        if (shiftSize > 0)
            grid = grid.roll([shiftSize, shiftSize], [1, 2]);
        var residual = hidden.add(grid.reshape(batch, height * width, channels), Scalars.One);

        var mlp = output.forward(intermediate.forward(layernorm_after.forward(residual)));
        return residual.add(mlp, Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>(B, H, W, C) → (B·(H/w)·(W/w), w, w, C) for window side w: windows row-major over the grid, tokens row-major inside.</summary>
    public static Tensor WindowPartition(Tensor grid, int windowSize)
    {
        var (batch, height, width, channels) = (grid.shape[0], grid.shape[1], grid.shape[2], grid.shape[3]);
        using var split = grid.view(batch, height / windowSize, windowSize, width / windowSize, windowSize, channels);
        using var ordered = split.permute(0, 1, 3, 2, 4, 5);
        return ordered.reshape(-1, windowSize, windowSize, channels);
    }

    /// <summary>The inverse of <see cref="WindowPartition"/>.</summary>
    public static Tensor WindowReverse(Tensor windows, int windowSize, int height, int width)
    {
        var channels = windows.shape[3];
        using var split = windows.view(-1, height / windowSize, width / windowSize, windowSize, windowSize, channels);
        using var ordered = split.permute(0, 1, 3, 2, 4, 5);
        return ordered.reshape(-1, height, width, channels);
    }

    /// <summary>
    /// The SW-MSA mask, (windows, w·w, w·w) flattened for window side w: after the cyclic shift, tokens that came
    /// from different bands of the grid (<c>[0, −w)</c>, <c>[−w, −shift)</c>, <c>[−shift, end)</c> on each axis) must
    /// not attend to each other, so their pair gets −100.
    /// </summary>
    public static float[] ShiftMask(int height, int width, int windowSize, int shiftSize)
    {
        int Band(int coordinate, int size) => coordinate < size - windowSize ? 0 : coordinate < size - shiftSize ? 1 : 2;

        var tokens = windowSize * windowSize;
        var (rows, columns) = (height / windowSize, width / windowSize);
        var mask = new float[rows * columns * tokens * tokens];
        var labels = new int[tokens];
        for (var row = 0; row < rows; row++)
            for (var column = 0; column < columns; column++)
            {
                for (var t = 0; t < tokens; t++)
                    labels[t] = 3 * Band(row * windowSize + t / windowSize, height) + Band(column * windowSize + t % windowSize, width);
                var offset = (row * columns + column) * tokens * tokens;
                for (var a = 0; a < tokens; a++)
                    for (var b = 0; b < tokens; b++)
                        mask[offset + a * tokens + b] = labels[a] == labels[b] ? 0f : -100f;
            }
        return mask;
    }
}
