using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>What a strict load put into a module.</summary>
public sealed record LoadReport(string Source, int TensorCount, long ParameterCount, string DTypes, IReadOnlyList<string> IgnoredDerived);

/// <summary>
/// Strict loading: the checkpoint must hold every parameter and persistent buffer of the module with its
/// exact shape and nothing else, apart from <see cref="DerivedBuffers"/>. Any difference is reported in
/// full before a single tensor is copied.
/// </summary>
public static class StrictLoader
{
    public static IReadOnlyDictionary<string, long[]> ExpectedShapes(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape, StringComparer.Ordinal);

    /// <param name="belongsElsewhere">
    /// Checkpoint keys that another module owns (the text half of a full CLAP file when only the audio half is
    /// built, for one): neither loaded nor reported as unexpected.
    /// </param>
    public static WeightsComparison Compare(IReadOnlyDictionary<string, long[]> expected, Checkpoint checkpoint,
        Func<string, bool>? belongsElsewhere = null)
    {
        var missing = new List<KeyProblem>();
        var unexpected = new List<KeyProblem>();
        var misshaped = new List<KeyProblem>();
        var ignored = new List<string>();

        foreach (var (key, shape) in expected.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (DerivedBuffers.IsDerived(key))
            {
                ignored.Add(key);
                continue;
            }
            if (!checkpoint.Contains(key))
                missing.Add(new KeyProblem(key, shape, null));
            else if (!ShapesFit(shape, checkpoint.Shape(key), checkpoint.Translation))
                misshaped.Add(new KeyProblem(key, shape, checkpoint.Shape(key)));
        }
        foreach (var key in checkpoint.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            if (expected.ContainsKey(key) || belongsElsewhere?.Invoke(key) == true)
                continue;
            if (DerivedBuffers.IsDerived(key))
                ignored.Add(key);
            else
                unexpected.Add(new KeyProblem(key, null, checkpoint.Shape(key)));
        }
        return new WeightsComparison(missing, unexpected, misshaped, ignored.Distinct().ToList());
    }

    /// <summary>Copies the checkpoint into the module, casting each tensor to the module's own dtype.</summary>
    public static LoadReport Load(nn.Module module, Checkpoint checkpoint, Func<string, bool>? belongsElsewhere = null)
    {
        var targets = module.state_dict();
        var comparison = Compare(targets.ToDictionary(kv => kv.Key, kv => kv.Value.shape, StringComparer.Ordinal), checkpoint,
            belongsElsewhere);
        if (!comparison.IsExactMatch)
            throw new WeightsMismatchException(checkpoint.Description, comparison);

        long parameters = 0;
        var count = 0;
        using (no_grad())
        {
            foreach (var (key, target) in targets)
            {
                if (DerivedBuffers.IsDerived(key))
                    continue;
                using var scope = NewDisposeScope();
                var source = checkpoint.Load(key, target.dtype);
                if (!source.shape.SequenceEqual(target.shape))
                    source = source.reshape(target.shape);
                target.copy_(source.to(target.device));
                count++;
                if (SafeTensorsDType.IsFloatingPoint(target.dtype))
                    parameters += target.numel();
            }
        }
        return new LoadReport(checkpoint.Description, count, parameters, checkpoint.DTypeSummary, comparison.IgnoredDerived);
    }

    private static bool ShapesFit(long[] expected, long[] found, KeyTranslation translation)
    {
        if (expected.SequenceEqual(found))
            return true;
        return translation.SqueezeUnitConvToLinear && expected.Length == 2 && found.Length == 4
            && found[0] == expected[0] && found[1] == expected[1] && found[2] == 1 && found[3] == 1;
    }
}
