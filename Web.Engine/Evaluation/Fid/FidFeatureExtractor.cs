using Clap2Diffusion.Engine.Models.Inception;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation.Fid;

/// <summary>
/// pytorch-fid's <c>get_activations</c>: images through the preprocessing and the FID network in batches, the
/// chosen block's output averaged to 1x1, returned in float64. Always float32 on the device (FID does not
/// survive half precision), with TF32 off on CUDA while it runs.
/// </summary>
public sealed class FidFeatureExtractor : IDisposable
{
    // Made once rather than as a Scalar left to the finaliser on every batch (decision record 0010).
    private static readonly Scalar ByteRange = 255.0f.ToScalar();

    public const int DefaultBatchSize = 50;

    private readonly Inception3 network;
    private readonly int block;

    /// <param name="network">The loaded network; the extractor owns it from here on.</param>
    /// <param name="dimensions">pytorch-fid's <c>--dims</c>: 2048 (pool3, the FID), or 768, 192, 64 for earlier blocks.</param>
    public FidFeatureExtractor(Inception3 network, IFidPreprocessing? preprocessing = null, int dimensions = Inception3.Pool3Features,
        Device? device = null)
    {
        block = Inception3.BlockChannels.ToList().IndexOf(dimensions);
        if (block < 0)
            throw new InputException($"FID features come in {string.Join(", ", Inception3.BlockChannels)} dimensions, not {dimensions}");
        this.network = network;
        Preprocessing = preprocessing ?? PytorchFidPreprocessing.Instance;
        Dimensions = dimensions;
        Device = device ?? CPU;
        network.eval();
    }

    /// <summary>Loads the weights (<c>.pth</c> or safetensors) and builds an extractor on <paramref name="device"/>.</summary>
    public static FidFeatureExtractor Load(string weightsPath, Device? device = null, IFidPreprocessing? preprocessing = null,
        int dimensions = Inception3.Pool3Features) =>
        new(FidInceptionWeights.Load(weightsPath, device), preprocessing, dimensions, device);

    public IFidPreprocessing Preprocessing { get; }

    public int Dimensions { get; }

    public Device Device { get; }

    public int BatchSize
    {
        get;
        init => field = value >= 1 ? value : throw new InputException($"the FID batch size must be at least 1, not {value}");
    } = DefaultBatchSize;

    /// <summary>Names what the features are, so statistics from different extractors are never compared.</summary>
    public string FeatureSpace => $"pytorch-fid InceptionV3 (inception-2015-12-05), {Dimensions}-d block {block}; {Preprocessing.Name}";

    /// <summary>
    /// Features of every image, in order. Each item is one image [3, H, W] or a batch [B, 3, H, W], float in
    /// [0, 1] or uint8 in 0..255 (divided by 255 as torchvision's ToTensor does). Tensors that the enumeration
    /// creates while this runs are disposed with their batch; tensors made beforehand stay the caller's.
    /// </summary>
    public FidActivations Extract(IEnumerable<Tensor> images, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var values = new List<double>();
        var count = 0;
        using var noGrad = no_grad();
        using var precision = new Float32Precision(Device);
        using var buffer = empty([BatchSize, 3, PytorchFidPreprocessing.Size, PytorchFidPreprocessing.Size], ScalarType.Float32, Device);
        var filled = 0;
        using var enumerator = images.GetEnumerator();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            if (!enumerator.MoveNext())
                break;
            var prepared = Prepare(enumerator.Current);
            for (long start = 0; start < prepared.shape[0];)
            {
                var take = Math.Min(prepared.shape[0] - start, BatchSize - filled);
                buffer.narrow(0, filled, take).copy_(prepared.narrow(0, start, take));
                filled += (int)take;
                start += take;
                if (filled == BatchSize)
                {
                    count += Flush(buffer, filled, values);
                    filled = 0;
                    progress?.Report(count);
                }
            }
        }
        if (filled > 0)
        {
            count += Flush(buffer, filled, values);
            progress?.Report(count);
        }
        if (count == 0)
            throw new InputException("no images were given for FID features");
        return new FidActivations([.. values], count, Dimensions, FeatureSpace);
    }

    /// <summary>Features [B, Dimensions] (float32, CPU) of one batch of images [B, 3, H, W] in [0, 1].</summary>
    public Tensor ExtractBatch(Tensor images)
    {
        using var noGrad = no_grad();
        using var precision = new Float32Precision(Device);
        using var scope = NewDisposeScope();
        return Features(Prepare(images)).cpu().MoveToOuterDisposeScope();
    }

    private Tensor Prepare(Tensor image)
    {
        var batch = image.dim() == 3 ? image.unsqueeze(0) : image;
        if (batch.dim() != 4 || batch.shape[1] != 3)
            throw new InputException($"FID takes RGB images [3, H, W] or [B, 3, H, W], not [{string.Join(", ", image.shape)}]");
        var pixels = batch.dtype switch
        {
            ScalarType.Byte => batch.to(Device).to_type(ScalarType.Float32) / ByteRange,
            ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16 =>
                batch.to(Device).to_type(ScalarType.Float32),
            _ => throw new InputException($"FID takes float images in [0, 1] or uint8 images, not {batch.dtype}"),
        };
        var prepared = Preprocessing.Prepare(pixels);
        if (!prepared.shape.SequenceEqual([batch.shape[0], 3, PytorchFidPreprocessing.Size, PytorchFidPreprocessing.Size]))
            throw new InvalidOperationException($"{Preprocessing.Name} produced [{string.Join(", ", prepared.shape)}] instead of 299x299 images");
        return prepared;
    }

    private int Flush(Tensor buffer, int filled, List<double> values)
    {
        using var scope = NewDisposeScope();
        var features = Features(buffer.narrow(0, 0, filled)).to_type(ScalarType.Float64).cpu().contiguous();
        values.AddRange(features.data<double>().ToArray());
        return filled;
    }

    private Tensor Features(Tensor networkInput)
    {
        var outputs = network.Blocks(networkInput, block);
        var chosen = outputs[block];
        if (chosen.shape[2] != 1 || chosen.shape[3] != 1)
            chosen = nn.functional.adaptive_avg_pool2d(chosen, 1);
        return chosen.flatten(1);
    }

    public void Dispose() => network.Dispose();

    /// <summary>Turns CUDA's TF32 shortcuts off for the duration, restoring them after (they cost FID about 3 digits).</summary>
    private sealed class Float32Precision : IDisposable
    {
        private readonly bool restoreCudnn;
        private readonly bool restoreMatmul;
        private readonly bool active;

        public Float32Precision(Device device)
        {
            active = device.type == DeviceType.CUDA;
            if (!active)
                return;
            restoreCudnn = backends.cudnn.allow_tf32;
            restoreMatmul = backends.cuda.matmul.allow_tf32;
            backends.cudnn.allow_tf32 = false;
            backends.cuda.matmul.allow_tf32 = false;
        }

        public void Dispose()
        {
            if (!active)
                return;
            backends.cudnn.allow_tf32 = restoreCudnn;
            backends.cuda.matmul.allow_tf32 = restoreMatmul;
        }
    }
}
