namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>How an evaluation run is carried out and reported.</summary>
/// <param name="OutputFolder">The report folder: report.json, summary.md, charts, the grid and every image.</param>
public sealed record EvaluationSettings(string OutputFolder)
{
    /// <summary>The run's name in metric records (the admin page charts runs by name).</summary>
    public string RunName { get; init; } = "evaluation";

    public IReadOnlyList<PairVariant> Variants { get; init; } = PairVariants.All;

    /// <summary>Seeds the shuffled-audio pairing, the bootstrap and KID subsets (the cases carry their own seeds).</summary>
    public long Seed { get; init; }

    public int Resamples { get; init; } = Bootstrap.DefaultResamples;

    public double Confidence { get; init; } = Bootstrap.DefaultConfidence;

    /// <summary>Cases shown in the image grid (the first ones, which cover every relation in turn).</summary>
    public int GridRows { get; init; } = 8;

    /// <summary>The metric records' step: the training step of the adapters evaluated, when known.</summary>
    public long Step { get; init; }

    public int KidSubsets { get; init; } = 100;
}

/// <summary>Where a run is: a stage ("generating", "scoring", "writing"), how far through it, and what it works on.</summary>
public sealed record EvaluationProgress(string Stage, int Done, int Total, string Detail);
