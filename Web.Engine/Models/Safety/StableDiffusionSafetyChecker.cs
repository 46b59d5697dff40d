using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Layouts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Safety;

/// <summary>
/// diffusers' <c>StableDiffusionSafetyChecker</c>, the <c>safety_checker/</c> of the SD 1.5 pipeline: a CLIP
/// ViT-L/14 vision tower and its projection embed the image, and its cosine similarity to 17 concept embeddings
/// and 3 "special care" embeddings, each less its own threshold, decides. Its config is a <see cref="CLIPConfig"/>
/// (upstream's <c>config_class</c>); only the vision half and <c>projection_dim</c> are used.
/// </summary>
public sealed class StableDiffusionSafetyChecker : nn.Module
{
    public const int Concepts = 17;
    public const int SpecialCareConcepts = 3;

    /// <summary>Added to every later score once a special-care concept fires, so borderline concepts fire too.</summary>
    public const double SpecialCareAdjustment = 0.01;

    public readonly CLIPVisionModel vision_model;
    public readonly Linear visual_projection;
    public readonly Parameter concept_embeds;
    public readonly Parameter special_care_embeds;
    public readonly Parameter concept_embeds_weights;
    public readonly Parameter special_care_embeds_weights;

    public StableDiffusionSafetyChecker(CLIPConfig config, Device? device = null) : base(nameof(StableDiffusionSafetyChecker))
    {
        CLIPConfigChecks.Positive(nameof(StableDiffusionSafetyChecker), ("projection_dim", config.ProjectionDim));
        vision_model = new CLIPVisionModel(config.VisionConfig, device);
        visual_projection = nn.Linear(config.VisionConfig.HiddenSize, config.ProjectionDim, hasBias: false, device: device);
        concept_embeds = new Parameter(ones(Concepts, config.ProjectionDim, device: device), requires_grad: false);
        special_care_embeds = new Parameter(ones(SpecialCareConcepts, config.ProjectionDim, device: device), requires_grad: false);
        concept_embeds_weights = new Parameter(ones(Concepts, device: device), requires_grad: false);
        special_care_embeds_weights = new Parameter(ones(SpecialCareConcepts, device: device), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>Loads a <c>safety_checker/</c> folder (transformers layout: config.json + model.safetensors) strictly.</summary>
    public static StableDiffusionSafetyChecker FromPretrained(string folder, ComputeTarget? target = null)
    {
        var config = CLIPConfig.Read(ModelFolder.ConfigPath(folder));
        return PretrainedLoader.Load(folder, target, device => new StableDiffusionSafetyChecker(config, device), WeightFiles.Transformers);
    }

    /// <summary>The projected image embedding (not normalised): [batch, projection_dim].</summary>
    public Tensor image_embeds(Tensor clip_input)
    {
        using var scope = NewDisposeScope();
        return visual_projection.forward(vision_model.forward(clip_input).PoolerOutput).MoveToOuterDisposeScope();
    }

    /// <param name="clip_input">[batch, 3, 224, 224] as the pipeline's <c>feature_extractor</c> prepares it.</param>
    public IReadOnlyList<SafetyCheckerOutput> forward(Tensor clip_input)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var embeds = image_embeds(clip_input);
        var specialCos = Rows(cosine_distance(embeds, special_care_embeds));
        var conceptCos = Rows(cosine_distance(embeds, concept_embeds));
        var specialThresholds = Values(special_care_embeds_weights);
        var conceptThresholds = Values(concept_embeds_weights);
        return [.. specialCos.Select((special, i) => Decide(special, specialThresholds, conceptCos[i], conceptThresholds))];
    }

    /// <summary>
    /// diffusers' per-image loop: special-care scores first, the adjustment switching on after the first one that
    /// fires (it applies to the special-care scores after it, too), then the concept scores; every score is
    /// rounded to 3 decimals before it is compared with zero, as upstream does.
    /// </summary>
    private static SafetyCheckerOutput Decide(float[] specialCos, float[] specialThresholds, float[] conceptCos, float[] conceptThresholds)
    {
        var adjustment = 0.0;
        var special = new double[specialCos.Length];
        for (var c = 0; c < specialCos.Length; c++)
        {
            special[c] = Math.Round(specialCos[c] - (double)specialThresholds[c] + adjustment, 3, MidpointRounding.ToEven);
            if (special[c] > 0)
                adjustment = SpecialCareAdjustment;
        }
        var concepts = new double[conceptCos.Length];
        for (var c = 0; c < conceptCos.Length; c++)
            concepts[c] = Math.Round(conceptCos[c] - (double)conceptThresholds[c] + adjustment, 3, MidpointRounding.ToEven);
        return new SafetyCheckerOutput(special, concepts, concepts.Any(score => score > 0));
    }

    /// <summary>Cosine similarity of every image embedding to every concept embedding (upstream names it a distance): [images, concepts].</summary>
    public static Tensor cosine_distance(Tensor image_embeds, Tensor text_embeds)
    {
        using var scope = NewDisposeScope();
        var images = nn.functional.normalize(image_embeds);
        var texts = nn.functional.normalize(text_embeds);
        return mm(images, texts.t()).MoveToOuterDisposeScope();
    }

    private static float[][] Rows(Tensor scores)
    {
        using var scope = NewDisposeScope();
        var values = scores.detach().to(ScalarType.Float32).cpu();
        var columns = (int)values.shape[1];
        var flat = values.data<float>().ToArray();
        return [.. Enumerable.Range(0, (int)values.shape[0]).Select(r => flat[(r * columns)..((r + 1) * columns)])];
    }

    private static float[] Values(Tensor weights)
    {
        using var scope = NewDisposeScope();
        return weights.detach().to(ScalarType.Float32).cpu().data<float>().ToArray();
    }
}
