using Clap2Diffusion.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Clap;

/// <summary>
/// Multi-head attention inside one window of W×W tokens, with a learned bias per head for every relative
/// offset between two tokens of the window (Swin's relative position bias).
/// </summary>
public sealed class ClapAudioSelfAttention : nn.Module<Tensor, Tensor?, Tensor>
{
    public readonly Parameter relative_position_bias_table;
    public readonly Tensor relative_position_index;
    public readonly Linear query;
    public readonly Linear key;
    public readonly Linear value;

    private readonly int numHeads;
    private readonly int headSize;
    private readonly int windowSize;

    public ClapAudioSelfAttention(ClapAudioConfig config, int dim, int numHeads, Device? device = null)
        : base(nameof(ClapAudioSelfAttention))
    {
        this.numHeads = numHeads;
        headSize = dim / numHeads;
        windowSize = config.WindowSize;
        var span = 2 * windowSize - 1;
        relative_position_bias_table = new Parameter(zeros(span * span, numHeads, device: device));
        relative_position_index = RelativePositionIndex(windowSize, device);
        query = nn.Linear(dim, dim, hasBias: config.QkvBias, device: device);
        key = nn.Linear(dim, dim, hasBias: config.QkvBias, device: device);
        value = nn.Linear(dim, dim, hasBias: config.QkvBias, device: device);
        RegisterComponents();
    }

    /// <summary>
    /// Index into the bias table for tokens a = (ya, xa) and b = (yb, xb) of a window, row-major:
    /// <c>(ya − yb + W − 1)·(2W − 1) + (xa − xb + W − 1)</c>. A derived buffer: checkpoints may carry it,
    /// loading never reads it.
    /// </summary>
    public static Tensor RelativePositionIndex(int windowSize, Device? device = null)
    {
        var tokens = windowSize * windowSize;
        var span = 2 * windowSize - 1;
        var index = new long[tokens * tokens];
        for (var a = 0; a < tokens; a++)
            for (var b = 0; b < tokens; b++)
                index[a * tokens + b] = (a / windowSize - b / windowSize + windowSize - 1) * span
                    + (a % windowSize - b % windowSize + windowSize - 1);
        if (device is { type: DeviceType.META })
            return empty(tokens, tokens, dtype: ScalarType.Int64, device: device);
        using var cpu = tensor(index, [tokens, tokens]);
        return device is null || device.type == DeviceType.CPU ? cpu.clone() : cpu.to(device);
    }

    /// <param name="windows">(B·nW, W·W, C) tokens of every window.</param>
    /// <param name="shiftMask">(nW, W·W, W·W) additive mask of shifted windows, or null.</param>
    public override Tensor forward(Tensor windows, Tensor? shiftMask)
    {
        using var scope = NewDisposeScope();
        var (count, tokens) = (windows.shape[0], windows.shape[1]);
        var q = query.forward(windows).view(count, tokens, numHeads, headSize).transpose(1, 2);
        var k = key.forward(windows).view(count, tokens, numHeads, headSize).transpose(1, 2);
        var v = value.forward(windows).view(count, tokens, numHeads, headSize).transpose(1, 2);

        var scores = Scalars.DividedBy(q.matmul(k.transpose(-1, -2)), Math.Sqrt(headSize));
        var bias = relative_position_bias_table.index_select(0, relative_position_index.view(-1))
            .view(tokens, tokens, numHeads).permute(2, 0, 1);
        scores = scores.add(bias.unsqueeze(0), Scalars.One);
        if (shiftMask is not null)
        {
            var perImage = shiftMask.shape[0];
            scores = scores.view(count / perImage, perImage, numHeads, tokens, tokens)
                .add(shiftMask.unsqueeze(1).unsqueeze(0), Scalars.One)
                .view(count, numHeads, tokens, tokens);
        }
        var context = scores.softmax(-1).matmul(v).permute(0, 2, 1, 3).reshape(count, tokens, numHeads * headSize);
        return context.MoveToOuterDisposeScope();
    }
}
