using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Inception;

/// <summary>
/// The FID network as pytorch-fid builds it (<c>fid_inception_v3</c>): torchvision's <c>Inception3</c> with
/// 1008 classes and no auxiliary head, Mixed_5b..5d, 6b..6e, 7b and 7c replaced by the FID blocks. The state-dict
/// keys are torchvision's, so <c>pt_inception-2015-12-05-6726825d.pth</c> loads unchanged; <see cref="fc"/> is
/// there for that strict load only. The input is the network's own (299x299, values in [-1, 1]); resizing and
/// scaling belong to the FID preprocessing.
/// </summary>
public sealed class Inception3 : nn.Module<Tensor, Tensor>
{
    public const int Pool3Features = 2048;

    /// <summary>Channels of pytorch-fid's four output blocks (its <c>--dims</c> choices).</summary>
    public static readonly IReadOnlyList<int> BlockChannels = [64, 192, 768, 2048];

    public readonly BasicConv2d Conv2d_1a_3x3;
    public readonly BasicConv2d Conv2d_2a_3x3;
    public readonly BasicConv2d Conv2d_2b_3x3;
    public readonly BasicConv2d Conv2d_3b_1x1;
    public readonly BasicConv2d Conv2d_4a_3x3;
    public readonly FIDInceptionA Mixed_5b;
    public readonly FIDInceptionA Mixed_5c;
    public readonly FIDInceptionA Mixed_5d;
    public readonly InceptionB Mixed_6a;
    public readonly FIDInceptionC Mixed_6b;
    public readonly FIDInceptionC Mixed_6c;
    public readonly FIDInceptionC Mixed_6d;
    public readonly FIDInceptionC Mixed_6e;
    public readonly InceptionD Mixed_7a;
    public readonly FIDInceptionE_1 Mixed_7b;
    public readonly FIDInceptionE_2 Mixed_7c;
    public readonly Linear fc;

    public Inception3(Device? device = null) : base(nameof(Inception3))
    {
        Conv2d_1a_3x3 = new BasicConv2d(3, 32, 3, stride: 2, device: device);
        Conv2d_2a_3x3 = new BasicConv2d(32, 32, 3, device: device);
        Conv2d_2b_3x3 = new BasicConv2d(32, 64, 3, padding: 1, device: device);
        Conv2d_3b_1x1 = new BasicConv2d(64, 80, 1, device: device);
        Conv2d_4a_3x3 = new BasicConv2d(80, 192, 3, device: device);
        Mixed_5b = new FIDInceptionA(192, pool_features: 32, device);
        Mixed_5c = new FIDInceptionA(256, pool_features: 64, device);
        Mixed_5d = new FIDInceptionA(288, pool_features: 64, device);
        Mixed_6a = new InceptionB(288, device);
        Mixed_6b = new FIDInceptionC(768, channels_7x7: 128, device);
        Mixed_6c = new FIDInceptionC(768, channels_7x7: 160, device);
        Mixed_6d = new FIDInceptionC(768, channels_7x7: 160, device);
        Mixed_6e = new FIDInceptionC(768, channels_7x7: 192, device);
        Mixed_7a = new InceptionD(768, device);
        Mixed_7b = new FIDInceptionE_1(1280, device);
        Mixed_7c = new FIDInceptionE_2(2048, device);
        fc = nn.Linear(Pool3Features, 1008, device: device);
        RegisterComponents();
    }

    /// <summary>The pool3 features, [B, 2048], of network inputs [B, 3, H, W].</summary>
    public override Tensor forward(Tensor x)
    {
        var blocks = Blocks(x, lastBlock: 3);
        for (var i = 0; i < blocks.Count - 1; i++)
            blocks[i].Dispose();
        using var pooled = blocks[^1];
        return pooled.flatten(1);
    }

    /// <summary>
    /// pytorch-fid's output blocks 0..<paramref name="lastBlock"/>: after the first max pool (64 channels), after
    /// the second (192), before the auxiliary head (768, 17x17) and after the final average pool (2048, 1x1).
    /// <paramref name="onStage"/> sees each convolution and Mixed stage's output, for locating divergences.
    /// </summary>
    public IReadOnlyList<Tensor> Blocks(Tensor x, int lastBlock = 3, Action<string, Tensor>? onStage = null)
    {
        if (lastBlock is < 0 or > 3)
            throw new ArgumentOutOfRangeException(nameof(lastBlock), lastBlock, "pytorch-fid has output blocks 0 to 3");
        if (x.dim() != 4 || x.shape[1] != 3)
            throw new InputException($"the FID network takes images [B, 3, H, W], not [{string.Join(", ", x.shape)}]");

        using var scope = NewDisposeScope();
        var outputs = new List<Tensor>();
        var stages = Stages();
        for (var block = 0; block <= lastBlock; block++)
        {
            foreach (var (name, module) in stages[block])
            {
                x = module.call(x);
                onStage?.Invoke(name, x);
            }
            x = block switch
            {
                0 or 1 => nn.functional.max_pool2d(x, kernel_size: 3, stride: 2),
                3 => nn.functional.adaptive_avg_pool2d(x, 1),
                _ => x,
            };
            outputs.Add(x);
        }
        foreach (var output in outputs)
            output.MoveToOuterDisposeScope();
        return outputs;
    }

    private (string Name, nn.Module<Tensor, Tensor> Module)[][] Stages() =>
    [
        [(nameof(Conv2d_1a_3x3), Conv2d_1a_3x3), (nameof(Conv2d_2a_3x3), Conv2d_2a_3x3), (nameof(Conv2d_2b_3x3), Conv2d_2b_3x3)],
        [(nameof(Conv2d_3b_1x1), Conv2d_3b_1x1), (nameof(Conv2d_4a_3x3), Conv2d_4a_3x3)],
        [
            (nameof(Mixed_5b), Mixed_5b), (nameof(Mixed_5c), Mixed_5c), (nameof(Mixed_5d), Mixed_5d), (nameof(Mixed_6a), Mixed_6a),
            (nameof(Mixed_6b), Mixed_6b), (nameof(Mixed_6c), Mixed_6c), (nameof(Mixed_6d), Mixed_6d), (nameof(Mixed_6e), Mixed_6e),
        ],
        [(nameof(Mixed_7a), Mixed_7a), (nameof(Mixed_7b), Mixed_7b), (nameof(Mixed_7c), Mixed_7c)],
    ];
}
