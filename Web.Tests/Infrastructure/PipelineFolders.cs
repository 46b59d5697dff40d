namespace Clap2Diffusion.Tests.Infrastructure;

/// <summary>A diffusers pipeline folder laid out like SD 1.5's, with the dummy UNet and VAE as its models.</summary>
public static class PipelineFolders
{
    public const string TextEncoderClass = "PlaceholderTextEncoder";

    public static string Create(string root)
    {
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "model_index.json"), $$"""
            {
              "_class_name": "StableDiffusionPipeline",
              "_diffusers_version": "0.6.0",
              "feature_extractor": ["transformers", "CLIPImageProcessor"],
              "requires_safety_checker": true,
              "safety_checker": ["stable_diffusion", "StableDiffusionSafetyChecker"],
              "image_encoder": [null, null],
              "scheduler": ["diffusers", "PNDMScheduler"],
              "text_encoder": ["transformers", "{{TextEncoderClass}}"],
              "tokenizer": ["transformers", "CLIPTokenizer"],
              "unet": ["diffusers", "UNet2DConditionModel"],
              "vae": ["diffusers", "AutoencoderKL"]
            }
            """);
        FixtureFolders.Copy("unet_dummy", Path.Combine(root, "unet"));
        FixtureFolders.Copy("vae_dummy", Path.Combine(root, "vae"));
        foreach (var name in new[] { "text_encoder", "tokenizer", "scheduler", "feature_extractor" })
            Directory.CreateDirectory(Path.Combine(root, name));
        File.WriteAllText(Path.Combine(root, "scheduler", "scheduler_config.json"), "{\"_class_name\": \"PNDMScheduler\"}");
        File.WriteAllText(Path.Combine(root, "feature_extractor", "preprocessor_config.json"), "{}");
        return root;
    }
}
