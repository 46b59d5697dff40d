using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Safety;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights.Layouts;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>One final image after the gate: what may be stored, and the verdict its metadata records.</summary>
/// <param name="Verdict"><c>off</c> (no checker ran), <c>passed</c>, <c>flagged, blurred</c> or <c>flagged, blocked</c>.</param>
public sealed record SafetyScreening(RgbImage Image, bool Flagged, string Verdict)
{
    public const string Unchecked = "off";

    public static SafetyScreening Off(RgbImage image) => new(image, false, Unchecked);
}

/// <summary>
/// The pipeline's <c>safety_checker/</c> with its <c>feature_extractor/</c> settings, and what to do with a flagged
/// image. Every final image passes through <see cref="Screen"/> before it leaves the pipeline, so a flagged image's
/// pixels are never handed to anything that could store or serve them.
/// </summary>
public sealed class SafetyGate : IDisposable
{
    public const string CheckerComponent = "safety_checker";
    public const string FeatureExtractorComponent = "feature_extractor";

    private readonly StableDiffusionSafetyChecker checker;
    private readonly CLIPImageProcessor processor;
    private readonly ComputeTarget target;

    public SafetyGate(StableDiffusionSafetyChecker checker, CLIPImageProcessor processor, SafetyMode mode, ComputeTarget target)
    {
        if (mode == SafetyMode.Off)
            throw new ArgumentException("a safety gate filters; with the mode off, run without one", nameof(mode));
        this.checker = checker;
        this.processor = processor;
        this.target = target;
        Mode = mode;
    }

    public SafetyMode Mode { get; }

    /// <summary>Whether a pipeline folder declares a safety checker and has its folder.</summary>
    public static bool FolderHasChecker(DiffusersPipelineFolder folder) => folder.Find(CheckerComponent) is { IsDeclared: true, FolderExists: true };

    /// <summary>
    /// The gate the requested mode asks for: without a request, <c>block</c> when the folder has a checker and none
    /// otherwise; <c>off</c> never loads one; <c>blur</c> or <c>block</c> on a folder without a checker is refused,
    /// since the operator asked for filtering that cannot happen.
    /// </summary>
    public static SafetyGate? Load(DiffusersPipelineFolder folder, SafetyMode? requested, ComputeTarget target)
    {
        var hasChecker = FolderHasChecker(folder);
        var mode = requested ?? (hasChecker ? SafetyMode.Block : SafetyMode.Off);
        if (mode == SafetyMode.Off)
            return null;
        if (!hasChecker)
            throw new InputException($"{folder.Root}: the safety mode is '{mode.Name()}' but the pipeline has no {CheckerComponent}/; " +
                "add the checker or set the mode to off");
        var processorConfig = CLIPImageProcessorConfig.Read(Path.Combine(folder.ComponentFolder(FeatureExtractorComponent), "preprocessor_config.json"));
        var checker = StableDiffusionSafetyChecker.FromPretrained(folder.ComponentFolder(CheckerComponent), target);
        return new SafetyGate(checker, new CLIPImageProcessor(processorConfig), mode, target);
    }

    /// <summary>The checker's decision for one image (diffusers' <c>run_safety_checker</c> on a batch of one).</summary>
    public SafetyCheckerOutput Check(RgbImage image)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var clipInput = processor.Preprocess([image]).to(target.DType, target.Device);
        return checker.forward(clipInput)[0];
    }

    public SafetyScreening Screen(RgbImage image)
    {
        if (!Check(image).HasNsfwConcept)
            return new SafetyScreening(image, false, "passed");
        return Mode == SafetyMode.Blur
            ? new SafetyScreening(ImageObscuring.Blur(image), true, "flagged, blurred")
            : new SafetyScreening(ImageObscuring.Placeholder(image.Width, image.Height), true, "flagged, blocked");
    }

    public void Dispose() => checker.Dispose();
}
