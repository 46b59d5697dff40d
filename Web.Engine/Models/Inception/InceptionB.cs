using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Inception;

/// <summary>torchvision's <c>InceptionB</c> (Mixed_6a), unchanged in the FID network: the 35x35 to 17x17 reduction.</summary>
public sealed class InceptionB : nn.Module<Tensor, Tensor>
{
    public readonly BasicConv2d branch3x3;
    public readonly BasicConv2d branch3x3dbl_1;
    public readonly BasicConv2d branch3x3dbl_2;
    public readonly BasicConv2d branch3x3dbl_3;

    public InceptionB(long in_channels, Device? device = null) : base(nameof(InceptionB))
    {
        branch3x3 = new BasicConv2d(in_channels, 384, 3, stride: 2, device: device);
        branch3x3dbl_1 = new BasicConv2d(in_channels, 64, 1, device: device);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1, device: device);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, stride: 2, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var branch3x3dbl = branch3x3dbl_3.call(branch3x3dbl_2.call(branch3x3dbl_1.call(x)));
        var pooled = nn.functional.max_pool2d(x, kernel_size: 3, stride: 2);
        return cat([branch3x3.call(x), branch3x3dbl, pooled], 1).MoveToOuterDisposeScope();
    }
}
