namespace Clap2Diffusion.Engine.Training.Data;

/// <summary>A sample left out of training, and why.</summary>
public sealed record SkippedSample(string Id, string Reason);

/// <summary>What the validation pass found: how many rows were usable and every row it skipped.</summary>
public sealed record DatasetReport(string Split, int Rows, int Usable, IReadOnlyList<SkippedSample> Skipped)
{
    public string Summary =>
        $"{Split}: {Usable} of {Rows} samples usable" + (Skipped.Count == 0 ? "" :
            $"; skipped {Skipped.Count} ({string.Join(", ", Skipped.GroupBy(s => s.Reason.Split(':')[0]).Select(g => $"{g.Count()} {g.Key}"))})");
}
