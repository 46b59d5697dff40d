using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Inception;

/// <summary>torchvision's <c>InceptionD</c> (Mixed_7a), unchanged in the FID network: the 17x17 to 8x8 reduction.</summary>
public sealed class InceptionD : nn.Module<Tensor, Tensor>
{
    public readonly BasicConv2d branch3x3_1;
    public readonly BasicConv2d branch3x3_2;
    public readonly BasicConv2d branch7x7x3_1;
    public readonly BasicConv2d branch7x7x3_2;
    public readonly BasicConv2d branch7x7x3_3;
    public readonly BasicConv2d branch7x7x3_4;

    public InceptionD(long in_channels, Device? device = null) : base(nameof(InceptionD))
    {
        branch3x3_1 = new BasicConv2d(in_channels, 192, 1, device: device);
        branch3x3_2 = new BasicConv2d(192, 320, 3, stride: 2, device: device);
        branch7x7x3_1 = new BasicConv2d(in_channels, 192, 1, device: device);
        branch7x7x3_2 = new BasicConv2d(192, 192, (1, 7), padding: (0, 3), device: device);
        branch7x7x3_3 = new BasicConv2d(192, 192, (7, 1), padding: (3, 0), device: device);
        branch7x7x3_4 = new BasicConv2d(192, 192, 3, stride: 2, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var branch3x3 = branch3x3_2.call(branch3x3_1.call(x));
        var branch7x7x3 = branch7x7x3_4.call(branch7x7x3_3.call(branch7x7x3_2.call(branch7x7x3_1.call(x))));
        var pooled = nn.functional.max_pool2d(x, kernel_size: 3, stride: 2);
        return cat([branch3x3, branch7x7x3, pooled], 1).MoveToOuterDisposeScope();
    }
}
