using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Inception;

/// <summary>
/// torchvision's <c>InceptionE</c> (Mixed_7b/7c), the expanded 8x8 block. The FID network uses it only
/// through <see cref="FIDInceptionE_1"/> and <see cref="FIDInceptionE_2"/>, which differ in their pool branch.
/// </summary>
public abstract class InceptionE : nn.Module<Tensor, Tensor>
{
    public readonly BasicConv2d branch1x1;
    public readonly BasicConv2d branch3x3_1;
    public readonly BasicConv2d branch3x3_2a;
    public readonly BasicConv2d branch3x3_2b;
    public readonly BasicConv2d branch3x3dbl_1;
    public readonly BasicConv2d branch3x3dbl_2;
    public readonly BasicConv2d branch3x3dbl_3a;
    public readonly BasicConv2d branch3x3dbl_3b;
    public readonly BasicConv2d branch_pool;

    protected InceptionE(string name, long in_channels, Device? device) : base(name)
    {
        branch1x1 = new BasicConv2d(in_channels, 320, 1, device: device);
        branch3x3_1 = new BasicConv2d(in_channels, 384, 1, device: device);
        branch3x3_2a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1), device: device);
        branch3x3_2b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0), device: device);
        branch3x3dbl_1 = new BasicConv2d(in_channels, 448, 1, device: device);
        branch3x3dbl_2 = new BasicConv2d(448, 384, 3, padding: 1, device: device);
        branch3x3dbl_3a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1), device: device);
        branch3x3dbl_3b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0), device: device);
        branch_pool = new BasicConv2d(in_channels, 192, 1, device: device);
        RegisterComponents();
    }

    /// <summary>The 3x3, stride-1, padding-1 pooling in front of <see cref="branch_pool"/>.</summary>
    protected abstract Tensor Pool(Tensor x);

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var branch3x3 = branch3x3_1.call(x);
        var branch3x3dbl = branch3x3dbl_2.call(branch3x3dbl_1.call(x));
        var outputs = cat(
        [
            branch1x1.call(x),
            branch3x3_2a.call(branch3x3), branch3x3_2b.call(branch3x3),
            branch3x3dbl_3a.call(branch3x3dbl), branch3x3dbl_3b.call(branch3x3dbl),
            branch_pool.call(Pool(x)),
        ], 1);
        return outputs.MoveToOuterDisposeScope();
    }
}
