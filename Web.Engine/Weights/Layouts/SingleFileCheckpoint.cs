namespace Clap2Diffusion.Engine.Weights.Layouts;

/// <summary>
/// Recognises original (CompVis/LDM) single-file Stable Diffusion checkpoints, whose UNet keys start with
/// <c>model.diffusion_model.</c>, so the user is told how to get the diffusers folder layout this engine reads.
/// </summary>
public static class SingleFileCheckpoint
{
    public const string UNetPrefix = "model.diffusion_model.";

    public static bool IsStableDiffusion(IEnumerable<string> keys) =>
        keys.Any(key => key.StartsWith(UNetPrefix, StringComparison.Ordinal));

    public static string Advice(string path) =>
        $"{path} is a single-file Stable Diffusion checkpoint (keys 'model.diffusion_model.*'). This engine reads the " +
        "diffusers folder layout (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/). Convert it once " +
        "with diffusers: `python scripts/convert_original_stable_diffusion_to_diffusers.py --checkpoint_path " +
        $"{Path.GetFileName(path)} --from_safetensors --dump_path OUT_FOLDER` (add --original_config_file v1-inference.yaml " +
        "if asked), or in Python `StableDiffusionPipeline.from_single_file(path).save_pretrained(OUT_FOLDER)`.";

    /// <summary>A message for a file given where a model folder was expected, or null if nothing specific applies.</summary>
    public static string? Describe(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".ckpt")
            return Advice(path) + " (.ckpt files are PyTorch pickles and are not read directly.)";
        if (extension != ".safetensors")
            return null;
        try
        {
            using var file = SafeTensorsFile.Open(path);
            return IsStableDiffusion(file.Names) ? Advice(path) : null;
        }
        catch (InputException)
        {
            return null;
        }
    }
}
