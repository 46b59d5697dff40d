using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Inception;

/// <summary>
/// pytorch-fid's <c>FIDInceptionC</c> (Mixed_6b..6e): torchvision's <c>InceptionC</c> with factorised 1x7/7x1
/// convolutions, whose pool branch averages without the padded zeros.
/// </summary>
public sealed class FIDInceptionC : nn.Module<Tensor, Tensor>
{
    public readonly BasicConv2d branch1x1;
    public readonly BasicConv2d branch7x7_1;
    public readonly BasicConv2d branch7x7_2;
    public readonly BasicConv2d branch7x7_3;
    public readonly BasicConv2d branch7x7dbl_1;
    public readonly BasicConv2d branch7x7dbl_2;
    public readonly BasicConv2d branch7x7dbl_3;
    public readonly BasicConv2d branch7x7dbl_4;
    public readonly BasicConv2d branch7x7dbl_5;
    public readonly BasicConv2d branch_pool;

    public FIDInceptionC(long in_channels, long channels_7x7, Device? device = null) : base(nameof(FIDInceptionC))
    {
        var c7 = channels_7x7;
        branch1x1 = new BasicConv2d(in_channels, 192, 1, device: device);
        branch7x7_1 = new BasicConv2d(in_channels, c7, 1, device: device);
        branch7x7_2 = new BasicConv2d(c7, c7, (1, 7), padding: (0, 3), device: device);
        branch7x7_3 = new BasicConv2d(c7, 192, (7, 1), padding: (3, 0), device: device);
        branch7x7dbl_1 = new BasicConv2d(in_channels, c7, 1, device: device);
        branch7x7dbl_2 = new BasicConv2d(c7, c7, (7, 1), padding: (3, 0), device: device);
        branch7x7dbl_3 = new BasicConv2d(c7, c7, (1, 7), padding: (0, 3), device: device);
        branch7x7dbl_4 = new BasicConv2d(c7, c7, (7, 1), padding: (3, 0), device: device);
        branch7x7dbl_5 = new BasicConv2d(c7, 192, (1, 7), padding: (0, 3), device: device);
        branch_pool = new BasicConv2d(in_channels, 192, 1, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var branch7x7 = branch7x7_3.call(branch7x7_2.call(branch7x7_1.call(x)));
        var branch7x7dbl = branch7x7dbl_1.call(x);
        branch7x7dbl = branch7x7dbl_2.call(branch7x7dbl);
        branch7x7dbl = branch7x7dbl_3.call(branch7x7dbl);
        branch7x7dbl = branch7x7dbl_4.call(branch7x7dbl);
        branch7x7dbl = branch7x7dbl_5.call(branch7x7dbl);
        var pooled = nn.functional.avg_pool2d(x, kernel_size: 3, stride: 1, padding: 1, count_include_pad: false);
        return cat([branch1x1.call(x), branch7x7, branch7x7dbl, branch_pool.call(pooled)], 1).MoveToOuterDisposeScope();
    }
}
