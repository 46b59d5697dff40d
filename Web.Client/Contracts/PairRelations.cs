namespace Clap2Diffusion.Client.Contracts;

/// <summary>
/// The one place a <see cref="PairRelation"/> meets its name: the engine hands its relation over by this name
/// (the UI does not see the engine's types), and pages, events and sidecar files show and read the same names.
/// </summary>
public static class PairRelations
{
    /// <summary><c>matching</c>, <c>complementary</c>, <c>creative</c> or <c>contradictory</c>.</summary>
    public static string Name(this PairRelation relation) => relation.ToString().ToLowerInvariant();

    public static bool TryParse(string? name, out PairRelation relation)
    {
        foreach (var candidate in Enum.GetValues<PairRelation>())
            if (string.Equals(candidate.Name(), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                relation = candidate;
                return true;
            }
        relation = default;
        return false;
    }

    public static PairRelation Parse(string name) =>
        TryParse(name, out var relation) ? relation : throw new ArgumentException($"'{name}' is not a relation", nameof(name));
}
