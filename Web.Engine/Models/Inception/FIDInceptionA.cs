using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Inception;

/// <summary>
/// pytorch-fid's <c>FIDInceptionA</c> (Mixed_5b/5c/5d): torchvision's <c>InceptionA</c> whose pool branch
/// averages without the padded zeros (<c>count_include_pad=False</c>), as TensorFlow's pooling did.
/// </summary>
public sealed class FIDInceptionA : nn.Module<Tensor, Tensor>
{
    public readonly BasicConv2d branch1x1;
    public readonly BasicConv2d branch5x5_1;
    public readonly BasicConv2d branch5x5_2;
    public readonly BasicConv2d branch3x3dbl_1;
    public readonly BasicConv2d branch3x3dbl_2;
    public readonly BasicConv2d branch3x3dbl_3;
    public readonly BasicConv2d branch_pool;

    public FIDInceptionA(long in_channels, long pool_features, Device? device = null) : base(nameof(FIDInceptionA))
    {
        branch1x1 = new BasicConv2d(in_channels, 64, 1, device: device);
        branch5x5_1 = new BasicConv2d(in_channels, 48, 1, device: device);
        branch5x5_2 = new BasicConv2d(48, 64, 5, padding: 2, device: device);
        branch3x3dbl_1 = new BasicConv2d(in_channels, 64, 1, device: device);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1, device: device);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, padding: 1, device: device);
        branch_pool = new BasicConv2d(in_channels, pool_features, 1, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var branch5x5 = branch5x5_2.call(branch5x5_1.call(x));
        var branch3x3dbl = branch3x3dbl_3.call(branch3x3dbl_2.call(branch3x3dbl_1.call(x)));
        var pooled = nn.functional.avg_pool2d(x, kernel_size: 3, stride: 1, padding: 1, count_include_pad: false);
        var outputs = cat([branch1x1.call(x), branch5x5, branch3x3dbl, branch_pool.call(pooled)], 1);
        return outputs.MoveToOuterDisposeScope();
    }
}
