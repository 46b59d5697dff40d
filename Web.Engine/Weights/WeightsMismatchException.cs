using System.Text;

namespace Clap2Diffusion.Engine.Weights;

/// <summary>Thrown when a checkpoint does not fit a module exactly; the message names every offending key.</summary>
public sealed class WeightsMismatchException(string source, WeightsComparison comparison)
    : InputException(Describe(source, comparison))
{
    public WeightsComparison Comparison { get; } = comparison;

    private static string Describe(string source, WeightsComparison comparison)
    {
        var text = new StringBuilder();
        text.Append($"{source} does not match the model: {comparison.Missing.Count} missing, ")
            .Append($"{comparison.Unexpected.Count} unexpected, {comparison.Misshaped.Count} mis-shaped key(s)");
        foreach (var key in comparison.Missing)
            text.Append($"\n  missing     {key.Key} {ShapeText(key.Expected)}");
        foreach (var key in comparison.Unexpected)
            text.Append($"\n  unexpected  {key.Key} {ShapeText(key.Found)}");
        foreach (var key in comparison.Misshaped)
            text.Append($"\n  mis-shaped  {key.Key} expected {ShapeText(key.Expected)}, found {ShapeText(key.Found)}");
        return text.ToString();
    }

    internal static string ShapeText(long[]? shape) => shape is null ? "" : "[" + string.Join(", ", shape) + "]";
}
