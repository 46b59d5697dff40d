using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Models.Classifiers;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>One generated image and what has been measured on it so far; filled in stage by stage during a run.</summary>
internal sealed class ImageRecord(EvaluationCase evaluationCase, PairVariant variant, string file, int width, int height, double seconds,
    PromptAudioRelation? assigned)
{
    public EvaluationCase Case { get; } = evaluationCase;

    public PairVariant Variant { get; } = variant;

    /// <summary>Relative to the report folder.</summary>
    public string File { get; } = file;

    public int Width { get; } = width;

    public int Height { get; } = height;

    public double Seconds { get; } = seconds;

    public PromptAudioRelation? AssignedRelation { get; } = assigned;

    public ScenePrediction? Prediction { get; set; }

    public IReadOnlyDictionary<string, double>? Hits { get; set; }

    /// <summary>The CLIP image embedding, not normalised.</summary>
    public float[]? ClipEmbedding { get; set; }

    /// <summary>Features in the FID space, one row.</summary>
    public double[]? Features { get; set; }

    public double? ClipScore { get; set; }

    public double? Alignment { get; set; }

    public double? AlignmentRank { get; set; }
}
