namespace Clap2Diffusion.Client.Contracts;

/// <summary>One evaluation run: the engine's <c>evaluate</c> over a dataset folder, or over the demo world, with the chosen adapters.</summary>
public sealed record EvaluationRunSettings
{
    public string Title { get; init; } = "";

    /// <summary>
    /// True: the demo world's cases, as <c>evaluate --world demo</c> makes them, scored by the demo model's classifier;
    /// <see cref="DatasetFolder"/> is then not used.
    /// </summary>
    public bool DemoWorld { get; init; }

    public string DatasetFolder { get; init; } = "";

    /// <summary>Null: the active adapters.</summary>
    public string? AdapterFolder { get; init; }

    public int Samples { get; init; } = 32;

    public int Steps { get; init; } = 25;

    public long Seed { get; init; }

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Title.Length > 120)
            problems.Add("The title may be at most 120 characters long.");
        if (!DemoWorld && string.IsNullOrWhiteSpace(DatasetFolder))
            problems.Add("Choose a dataset folder.");
        if (Samples is < 1 or > 100_000)
            problems.Add("Samples must be between 1 and 100,000.");
        if (Steps is < 1 or > 1000)
            problems.Add("Steps must be between 1 and 1000.");
        if (Seed < 0)
            problems.Add("The seed must not be negative.");
        return problems;
    }
}

/// <param name="Summary">The report's headline numbers (FID, CLIP score, alignment...), by name.</param>
/// <param name="ReportMarkdown">The report's Markdown, shown as written.</param>
/// <param name="Files">The report's images (charts and the image grid) by URL.</param>
public sealed record EvaluationRunDetail(
    RunSummary Run,
    EvaluationRunSettings Settings,
    IReadOnlyDictionary<string, double> Summary,
    string? ReportMarkdown,
    IReadOnlyList<ReportFile> Files);

public sealed record ReportFile(string Name, string Url);

/// <summary>One finished evaluation in the comparison over time.</summary>
public sealed record EvaluationPoint(Guid RunId, string Title, DateTimeOffset FinishedAt, IReadOnlyDictionary<string, double> Summary);
