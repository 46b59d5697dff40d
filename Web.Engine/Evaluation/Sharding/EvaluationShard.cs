using System.Globalization;

namespace Clap2Diffusion.Engine.Evaluation.Sharding;

/// <summary>
/// The cases one worker generates and measures: indices into the run's full case list, ascending and distinct.
/// A one-worker run is <see cref="All"/>; <see cref="Range"/> cuts the list into N contiguous, near-equal parts.
/// </summary>
public sealed class EvaluationShard
{
    public EvaluationShard(IEnumerable<int> caseIndices, int totalCases)
    {
        if (totalCases < 1)
            throw new InputException($"an evaluation needs at least one case, not {totalCases}");
        var indices = caseIndices.Order().ToArray();
        if (indices.Length == 0)
            throw new InputException("a shard needs at least one case");
        if (indices[0] < 0 || indices[^1] >= totalCases)
            throw new InputException($"shard case indices must lie in 0..{totalCases - 1}, not {(indices[0] < 0 ? indices[0] : indices[^1])}");
        for (var i = 1; i < indices.Length; i++)
            if (indices[i] == indices[i - 1])
                throw new InputException($"a shard names case {indices[i]} twice");
        CaseIndices = indices;
        TotalCases = totalCases;
    }

    /// <summary>Ascending, distinct indices into the full case list.</summary>
    public IReadOnlyList<int> CaseIndices { get; }

    /// <summary>The size of the full case list, which the shuffled-audio pairing is drawn over.</summary>
    public int TotalCases { get; }

    public static EvaluationShard All(int totalCases) => new(Enumerable.Range(0, totalCases), totalCases);

    /// <summary>Part <paramref name="number"/> (1-based) of <paramref name="parts"/>: cases ⌊(k-1)·T/N⌋ up to ⌊k·T/N⌋.</summary>
    public static EvaluationShard Range(int number, int parts, int totalCases)
    {
        if (parts < 1 || number < 1 || number > parts)
            throw new InputException($"shard {number}/{parts} does not exist: the number must lie in 1..{Math.Max(parts, 1)}");
        if (parts > totalCases)
            throw new InputException($"{totalCases} cases cannot be cut into {parts} shards: every shard needs a case");
        var start = (int)((long)(number - 1) * totalCases / parts);
        var end = (int)((long)number * totalCases / parts);
        return new EvaluationShard(Enumerable.Range(start, end - start), totalCases);
    }

    /// <summary>Reads "K/N" as <see cref="Range"/>(K, N).</summary>
    public static EvaluationShard Parse(string text, int totalCases)
    {
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            throw new InputException($"--shard takes K/N, e.g. 2/4 for the second of four shards, not '{text}'");
        return Range(number, count, totalCases);
    }
}
