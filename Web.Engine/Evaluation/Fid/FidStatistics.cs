using System.Globalization;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Evaluation.Fid;

/// <summary>
/// A feature set's mean and covariance (N - 1 normalisation, float64), as pytorch-fid computes and caches them,
/// with the name of the image set and its size so that every FID reports what it was measured against.
/// </summary>
public sealed class FidStatistics
{
    public const string FormatName = "clap2diffusion.fid-statistics.v1";

    public FidStatistics(string name, long count, double[] mu, double[] sigma, string featureSpace)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new InputException("FID statistics need the name of the image set they describe");
        if (count < 2)
            throw new InputException($"FID statistics of '{name}' need at least 2 images for a covariance, not {count}");
        if (mu.Length == 0 || (long)mu.Length * mu.Length != sigma.LongLength)
            throw new InputException($"FID statistics of '{name}': a mean of {mu.Length} values needs a {mu.Length}x{mu.Length} covariance, " +
                $"not {sigma.LongLength} values");
        Name = name;
        Count = count;
        Mu = mu;
        Sigma = sigma;
        FeatureSpace = featureSpace;
    }

    /// <summary>The image set, e.g. "coco2014-val-5k" or "run 12, 1000 samples".</summary>
    public string Name { get; }

    /// <summary>N, the number of images.</summary>
    public long Count { get; }

    public int Dimensions => Mu.Length;

    public double[] Mu { get; }

    /// <summary>Row-major [Dimensions, Dimensions].</summary>
    public double[] Sigma { get; }

    /// <summary>The network, feature level and preprocessing behind the features (see <see cref="FidFeatureExtractor"/>).</summary>
    public string FeatureSpace { get; }

    public static FidStatistics FromActivations(string name, FidActivations activations)
    {
        if (activations.Count < 2)
            throw new InputException($"FID statistics of '{name}' need at least 2 images for a covariance, not {activations.Count}");
        using var scope = NewDisposeScope();
        var features = activations.ToTensor();
        var mu = features.mean([0]);
        var centred = features - mu;
        // numpy.cov multiplies by 1/(N-1) rather than dividing, and its X·Xᵀ is exactly symmetric.
        var sigma = Scalars.Times(1.0 / (activations.Count - 1), centred.t().matmul(centred));
        sigma = sigma.add(sigma.t(), Scalars.One) * Scalars.Half;
        return new FidStatistics(name, activations.Count, mu.data<double>().ToArray(),
            sigma.contiguous().data<double>().ToArray(), activations.FeatureSpace);
    }

    public void Save(string path)
    {
        using var mu = tensor(Mu, [Dimensions], ScalarType.Float64);
        using var sigma = tensor(Sigma, [Dimensions, Dimensions], ScalarType.Float64);
        SafeTensorsWriter.Save(path, [("mu", mu), ("sigma", sigma)], new Dictionary<string, string>
        {
            ["format"] = FormatName,
            ["name"] = Name,
            ["count"] = Count.ToString(CultureInfo.InvariantCulture),
            ["dimensions"] = Dimensions.ToString(CultureInfo.InvariantCulture),
            ["feature_space"] = FeatureSpace,
        });
    }

    public static FidStatistics Load(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        string Meta(string key) => file.Metadata.TryGetValue(key, out var value)
            ? value
            : throw new WeightsFormatException(path, $"FID statistics lack the '{key}' metadata entry");
        if (Meta("format") != FormatName)
            throw new WeightsFormatException(path, $"not FID statistics (format '{Meta("format")}', expected '{FormatName}')");
        if (!long.TryParse(Meta("count"), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            throw new WeightsFormatException(path, $"FID statistics hold a count that is not a whole number: '{Meta("count")}'");
        if (!file.Contains("mu") || !file.Contains("sigma"))
            throw new WeightsFormatException(path, "FID statistics need the tensors 'mu' and 'sigma'");
        var dimensions = file.Info("mu").Shape is [var d] ? d : -1;
        if (dimensions <= 0 || !file.Info("sigma").Shape.SequenceEqual([dimensions, dimensions]))
            throw new WeightsFormatException(path, $"FID statistics have mu {file.Info("mu").ShapeText} and sigma {file.Info("sigma").ShapeText}; " +
                "expected [D] and [D, D]");
        using var mu = file.Load("mu", ScalarType.Float64);
        using var sigma = file.Load("sigma", ScalarType.Float64);
        return new FidStatistics(Meta("name"), count, mu.data<double>().ToArray(), sigma.data<double>().ToArray(), Meta("feature_space"));
    }
}
