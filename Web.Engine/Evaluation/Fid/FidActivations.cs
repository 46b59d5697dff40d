using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation.Fid;

/// <summary>
/// The FID network's features of a set of images, one row per image, in float64 as pytorch-fid keeps them.
/// <see cref="FeatureSpace"/> names the network, feature level and preprocessing that produced them.
/// </summary>
public sealed class FidActivations
{
    private readonly double[] values;

    public FidActivations(double[] values, int count, int dimensions, string featureSpace)
    {
        if (count < 0 || dimensions <= 0 || (long)count * dimensions != values.LongLength)
            throw new ArgumentException($"{values.LongLength} values do not make {count} rows of {dimensions}", nameof(values));
        this.values = values;
        Count = count;
        Dimensions = dimensions;
        FeatureSpace = featureSpace;
    }

    public int Count { get; }

    public int Dimensions { get; }

    public string FeatureSpace { get; }

    /// <summary>Row-major [Count, Dimensions].</summary>
    public ReadOnlySpan<double> Values => values;

    public ReadOnlySpan<double> Row(int index) => values.AsSpan(index * Dimensions, Dimensions);

    /// <summary>Copies a [N, D] tensor of features (any floating dtype, any device).</summary>
    public static FidActivations FromTensor(Tensor features, string featureSpace)
    {
        if (features.dim() != 2)
            throw new InputException($"features must be [N, D], not [{string.Join(", ", features.shape)}]");
        using var scope = NewDisposeScope();
        var cpu = features.detach().to_type(ScalarType.Float64).cpu().contiguous();
        return new FidActivations(cpu.data<double>().ToArray(), (int)features.shape[0], (int)features.shape[1], featureSpace);
    }

    /// <summary>A float64 CPU tensor [Count, Dimensions] holding a copy of the values.</summary>
    public Tensor ToTensor() => tensor(values, [Count, Dimensions], ScalarType.Float64);
}
