using System.Text.Json;
using System.Text.Json.Nodes;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Models.Safety;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Layouts;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Safety;

/// <summary>
/// A safety checker with a tiny CLIP vision tower and seeded random weights, written into a pipeline folder in the
/// SD 1.5 layout (<c>safety_checker/</c>, <c>feature_extractor/</c>, both declared in <c>model_index.json</c>).
/// Concept <see cref="FlaggingConcept"/> is set to the embedding of one given image and its threshold halfway
/// between that image's similarity (1) and another image's, so the first is flagged and the second is not; every
/// other threshold is 1, which no cosine similarity exceeds.
/// </summary>
public static class TinySafetyChecker
{
    public const int FlaggingConcept = 5;

    public static CLIPConfig Config { get; } = new()
    {
        VisionConfig = new CLIPVisionConfig { HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 2, ImageSize = 32, PatchSize = 8 },
        TextConfig = new CLIPTextConfig { HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2 },
        ProjectionDim = 16,
    };

    public static CLIPImageProcessorConfig Processor { get; } = new() { ShortestEdge = 32, CropHeight = 32, CropWidth = 32 };

    /// <summary>A checker that flags <paramref name="flagged"/> and passes <paramref name="passed"/>.</summary>
    public static StableDiffusionSafetyChecker Build(RgbImage flagged, RgbImage passed, long seed = 23)
    {
        var checker = new StableDiffusionSafetyChecker(Config);
        RandomWeights.Initialize(checker, seed);
        checker.eval();
        var processor = new CLIPImageProcessor(Processor);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var embeds = checker.image_embeds(processor.Preprocess([flagged, passed]));
        var similarity = StableDiffusionSafetyChecker.cosine_distance(embeds[1..2], embeds[0..1]).item<float>();
        if (similarity > 0.99)
            throw new InvalidOperationException($"the two images embed too alike (cosine {similarity}) for a threshold between them");
        checker.concept_embeds[FlaggingConcept].copy_(embeds[0]);
        checker.concept_embeds_weights.copy_(ones(StableDiffusionSafetyChecker.Concepts));
        checker.special_care_embeds_weights.copy_(ones(StableDiffusionSafetyChecker.SpecialCareConcepts));
        checker.concept_embeds_weights[FlaggingConcept].copy_(tensor((1f + similarity) / 2f));
        return checker;
    }

    /// <summary>Writes the checker and its feature extractor into <paramref name="pipelineRoot"/> and declares both.</summary>
    public static void AddTo(string pipelineRoot, StableDiffusionSafetyChecker checker)
    {
        var folder = Path.Combine(pipelineRoot, "safety_checker");
        PretrainedWriter.Save(checker, Config, folder, WeightFiles.Transformers);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        config["architectures"] = new JsonArray("StableDiffusionSafetyChecker");
        config["model_type"] = "clip";
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());

        var features = Directory.CreateDirectory(Path.Combine(pipelineRoot, "feature_extractor")).FullName;
        File.WriteAllText(Path.Combine(features, "preprocessor_config.json"), JsonSerializer.Serialize(new
        {
            crop_size = new { height = Processor.CropHeight, width = Processor.CropWidth },
            do_center_crop = true, do_normalize = true, do_resize = true, do_rescale = true, rescale_factor = 1.0 / 255,
            image_mean = Processor.ImageMean, image_std = Processor.ImageStd, resample = 3,
            size = new { shortest_edge = Processor.ShortestEdge },
            feature_extractor_type = "CLIPFeatureExtractor", image_processor_type = "CLIPImageProcessor",
        }));

        var indexPath = Path.Combine(pipelineRoot, DiffusersPipelineFolder.IndexFile);
        var index = JsonNode.Parse(File.ReadAllText(indexPath))!.AsObject();
        index["safety_checker"] = new JsonArray("stable_diffusion", "StableDiffusionSafetyChecker");
        index["feature_extractor"] = new JsonArray("transformers", "CLIPImageProcessor");
        index["requires_safety_checker"] = true;
        File.WriteAllText(indexPath, index.ToJsonString());
    }

    /// <summary>A picture with structure: a diagonal colour ramp, shifted by <paramref name="phase"/>.</summary>
    public static RgbImage Pattern(int size, int phase)
    {
        var pixels = new byte[size * size * 3];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var i = (y * size + x) * 3;
                pixels[i] = (byte)((x * 255 / size + phase * 80) % 256);
                pixels[i + 1] = (byte)((y * 255 / size + phase * 40) % 256);
                pixels[i + 2] = (byte)(((x + y) * 127 / size + phase * 120) % 256);
            }
        return new RgbImage(size, size, pixels);
    }
}
