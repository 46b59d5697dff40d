using System.Text;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Layouts;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Demo.Build;

public sealed partial class DemoBuilder
{
    /// <summary>Guidance the demo model samples well with; tuned on the validation split (see the model card).</summary>
    public const double TextScale = 4.0;
    public const double AudioScale = 3.0;
    public const int DefaultSteps = 25;

    /// <summary>The committed model must stay small; every copy stays in history.</summary>
    public const long MaxExportBytes = 25L * 1024 * 1024;

    private void Export()
    {
        var (factors, bias) = FitLatentPreview();
        var settings = new PipelineSettings
        {
            DefaultSteps = DefaultSteps,
            DefaultScheduler = "ddim",
            TextScale = TextScale,
            AudioScale = AudioScale,
            LatentRgbFactors = factors,
            LatentRgbBias = bias,
            KnownWords = [.. DemoVocabulary.PromptWords],
        };
        PretrainedWriter.WriteJson(Path.Combine(Model, PipelineSettings.FileName), settings);

        var staging = output + ".staging";
        if (Directory.Exists(staging))
            Directory.Delete(staging, recursive: true);
        CopyAsHalf(Model, staging);
        // The adapters name their base by file hash; the float16 copy is a new file, so they are rebound to it.
        AdapterFolder.Rebind(Path.Combine(staging, "adapters"),
            ModelHash.OfFiles(WeightFiles.Locate(Path.Combine(staging, "unet"), WeightFiles.Diffusers)),
            ModelHash.OfFiles(WeightFiles.Locate(Path.Combine(staging, "clap"), WeightFiles.Transformers)));
        File.WriteAllText(Path.Combine(staging, "README.md"), ModelCard());
        var bytes = Directory.GetFiles(staging, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        if (bytes > MaxExportBytes)
            log($"warning: the exported model is {bytes / 1048576.0:F1} MiB, over the {MaxExportBytes / 1048576} MiB budget");
        if (Directory.Exists(output))
            Directory.Delete(output, recursive: true);
        Directory.Move(staging, output);
        log($"exported {bytes / 1048576.0:F1} MiB to {output}");
    }

    /// <summary>
    /// The cheap live preview for this VAE: a least-squares fit from a latent pixel (plus 1) to the mean colour of
    /// the 4x4 image block it encodes, in [-1, 1].
    /// </summary>
    private (float[][] Factors, float[] Bias) FitLatentPreview()
    {
        using var vae = AutoencoderKL.FromPretrained(Path.Combine(Model, "vae"), ComputeTarget.Cpu);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var images = VaeStage.RenderBatch(new SeededRandom(seed).Fork(0x9E5), 256);
        using var posterior = vae.encode(images);
        var latents = Scalars.Times(vae.ScalingFactor, posterior.mean);
        var factor = DemoArchitecture.ImageSize / (int)latents.shape[^1];
        var colours = nn.functional.avg_pool2d(images, factor);
        var x = cat([latents.permute(0, 2, 3, 1).reshape(-1, latents.shape[1]), ones(latents.shape[0] * latents.shape[2] * latents.shape[3], 1)], 1).to(ScalarType.Float64);
        var y = colours.permute(0, 2, 3, 1).reshape(-1, 3).to(ScalarType.Float64);
        var solution = linalg.lstsq(x, y).Solution.to(ScalarType.Float32);
        var rows = (int)latents.shape[1];
        var matrix = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, 3).Select(c => (float)Math.Round(solution[r, c].item<float>(), 5)).ToArray()).ToArray();
        var bias = Enumerable.Range(0, 3).Select(c => (float)Math.Round(solution[rows, c].item<float>(), 5)).ToArray();
        return (matrix, bias);
    }

    /// <summary>Copies a model folder, storing every floating-point weight as float16 (loaders cast back).</summary>
    private static void CopyAsHalf(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            var target = Path.Combine(to, Path.GetFileName(file));
            if (!file.EndsWith(".safetensors", StringComparison.Ordinal))
            {
                File.Copy(file, target);
                continue;
            }
            using var source = SafeTensorsFile.Open(file);
            using var scope = NewDisposeScope();
            var tensors = source.Names.Select(name =>
            {
                var tensor = source.Load(name);
                return (name, tensor.is_floating_point() ? tensor.to(ScalarType.Float16) : tensor);
            }).ToList();
            SafeTensorsWriter.Save(target, tensors, source.Metadata);
        }
        foreach (var folder in Directory.GetDirectories(from))
            CopyAsHalf(folder, Path.Combine(to, Path.GetFileName(folder)));
    }

    private string ModelCard()
    {
        var stages = ReadDone();
        var text = new StringBuilder();
        text.AppendLine("# The Clap2Diffusion demo model");
        text.AppendLine();
        text.AppendLine("A small, complete instance of the CLAP2Diffusion V4 architecture, trained by this repository's own code on the");
        text.AppendLine("procedural demo world (`Web.Engine/Demo/World`), so the product works on a fresh machine without downloads.");
        text.AppendLine("Text chooses the object (shape and colour); the sound chooses the scene: a foreground event (barking, bell,");
        text.AppendLine("chirping), a background source (engine, chatter) and an ambience (rain, wind, waves).");
        text.AppendLine();
        text.AppendLine("| folder | class | what it is |");
        text.AppendLine("|---|---|---|");
        text.AppendLine("| `vae/` | AutoencoderKL | 64x64 RGB to 16x16x4 latents |");
        text.AppendLine("| `unet/` | UNet2DConditionModel | the text-to-image denoiser, trained with `text_encoder/` |");
        text.AppendLine("| `text_encoder/`, `tokenizer/` | CLIPTextModel, CLIPTokenizer | a 64-wide CLIP text encoder with a BPE vocabulary learnt from the world's prompts |");
        text.AppendLine("| `scheduler/` | DDIMScheduler | SD 1.5's noise schedule |");
        text.AppendLine("| `clap/` | ClapModel | HTSAT audio + RoBERTa text, trained contrastively on the world's sounds and captions (16 kHz, 32 mel bins, 5 s) |");
        text.AppendLine("| `adapters/` | V4 adapters | hybrid audio encoder and gated audio attention, trained with the two-stage recipe on the frozen base |");
        text.AppendLine("| `classifier/` | SceneAttributeClassifier | reads shape, colour and each audio level back from an image (evaluation, domain FID) |");
        text.AppendLine();
        text.AppendLine($"Built with `dotnet run --project Web.Engine -- demo build --profile {profile.Name}` (seed {seed}); weights stored as float16.");
        text.AppendLine();
        text.AppendLine("| stage | seconds |");
        text.AppendLine("|---|---|");
        foreach (var (stage, seconds) in stages)
            text.AppendLine($"| {stage} | {seconds:F0} |");
        return text.ToString();
    }
}
