using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Engine.Tokenizers;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Layouts;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>
/// Where a pipeline's parts come from. CLAP and adapter folders default to <c>clap/</c> and <c>adapters/</c> inside the
/// model folder; <paramref name="Safety"/> null means <c>block</c> when the folder has a safety checker, off otherwise;
/// <paramref name="Composition"/> null means the design's strategy (<see cref="CompositionStrategy.DefaultContradictoryStrength"/>).
/// </summary>
public sealed record PipelineOptions(string ModelFolder, string? ClapFolder = null, string? AdaptersFolder = null, ComputeTarget? Target = null,
    SafetyMode? Safety = null, CompositionStrategy? Composition = null);

public sealed partial class ClapDiffusionPipeline
{
    private ClapDiffusionPipeline(string modelFolder, CLIPTokenizer tokenizer, CLIPTextModel textEncoder, UNet2DConditionModel unet,
        AutoencoderKL vae, SchedulerConfig schedulerConfig, PipelineSettings settings, ComputeTarget target, string modelHash)
    {
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.vae = vae;
        this.schedulerConfig = schedulerConfig;
        Settings = settings;
        Target = target;
        previewFactors = settings.PreviewFactors();
        Info = new PipelineInfo(modelFolder, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelFolder))),
            modelHash, null, null, null, null, target.ToString(), false, settings.KnownWords);
    }

    /// <summary>Loads a diffusers folder (and CLAP and adapters when present), every part strictly.</summary>
    public static ClapDiffusionPipeline Load(PipelineOptions options)
    {
        var target = options.Target ?? ComputeTarget.Cpu;
        var folder = DiffusersPipelineFolder.Open(options.ModelFolder);
        var settings = PipelineSettings.Read(options.ModelFolder);
        var unetFolder = folder.ComponentFolder("unet");
        var unetHash = ModelHash.OfFiles(WeightFiles.Locate(unetFolder, WeightFiles.Diffusers));
        var schedulerConfig = SchedulerConfig.Read(Path.Combine(folder.ComponentFolder("scheduler"), "scheduler_config.json"));

        var tokenizer = CLIPTokenizer.FromPretrained(folder.ComponentFolder("tokenizer"));
        var textEncoder = CLIPTextModel.FromPretrained(folder.ComponentFolder("text_encoder"), target);
        var unet = UNet2DConditionModel.FromPretrained(unetFolder, target);
        var vae = AutoencoderKL.FromPretrained(folder.ComponentFolder("vae"), target);
        var pipeline = new ClapDiffusionPipeline(options.ModelFolder, tokenizer, textEncoder, unet, vae, schedulerConfig, settings, target, unetHash)
        {
            Composition = options.Composition ?? new CompositionStrategy(),
        };
        try
        {
            pipeline.safety = SafetyGate.Load(folder, options.Safety, target);
            var clapFolder = options.ClapFolder ?? Existing(Path.Combine(options.ModelFolder, "clap"));
            var adaptersFolder = options.AdaptersFolder ?? Existing(Path.Combine(options.ModelFolder, "adapters"));
            if (clapFolder is not null)
                pipeline.LoadClap(clapFolder);
            if (adaptersFolder is not null)
                pipeline.SwitchAdapters(adaptersFolder);
            return pipeline;
        }
        catch
        {
            pipeline.Dispose();
            throw;
        }
    }

    public void LoadClap(string folder)
    {
        var loaded = ClapConditioner.Load(folder, Target);
        clap?.Dispose();
        clap = loaded;
        Info = Info with { ClapFolder = folder, ClapHash = loaded.WeightsHash, ClapReadsText = loaded.ReadsText };
    }

    /// <summary>Loads another adapter set (another domain's gates and weights) for the next job.</summary>
    public void SwitchAdapters(string folder)
    {
        var (loaded, _) = AdapterFolder.Load(folder, unet, Target, Info.ModelHash);
        if (clap is not null && loaded.Config.ClapDim != clap.EmbeddingSize)
        {
            loaded.Dispose();
            throw new InputException($"the adapters in {folder} read {loaded.Config.ClapDim}-d CLAP embeddings, but the loaded CLAP gives {clap.EmbeddingSize}-d");
        }
        if (clap is not null && loaded.Config.Temporal && loaded.Config.TemporalWidth != clap.FrameWidth)
        {
            loaded.Dispose();
            throw new InputException($"the adapters in {folder} have a temporal branch for {loaded.Config.TemporalWidth}-wide CLAP frames, " +
                $"but the loaded CLAP's frames are {clap.FrameWidth} wide");
        }
        adapters?.Dispose();
        adapters = loaded;
        Info = Info with { AdaptersFolder = folder, AdaptersHash = ModelHash.OfFile(Path.Combine(folder, AdapterFolder.WeightsFile)) };
    }

    /// <summary>Turns audio conditioning off: the pipeline draws from text alone.</summary>
    public void UnloadAdapters()
    {
        adapters?.Dispose();
        adapters = null;
        Info = Info with { AdaptersFolder = null, AdaptersHash = null };
    }

    /// <summary>
    /// A pipeline over models someone else owns (the trainer's, for its sample images): disposing it leaves
    /// them alone, and it shares their memory instead of loading a second copy.
    /// </summary>
    internal static ClapDiffusionPipeline Borrow(string modelFolder, CLIPTokenizer tokenizer, CLIPTextModel textEncoder, UNet2DConditionModel unet,
        AutoencoderKL vae, SchedulerConfig schedulerConfig, PipelineSettings settings, ComputeTarget target, string modelHash,
        ClapConditioner clap, AudioAdapters adapters) =>
        new(modelFolder, tokenizer, textEncoder, unet, vae, schedulerConfig, settings, target, modelHash)
        {
            clap = clap,
            adapters = adapters,
            ownsComponents = false,
        };

    private static string? Existing(string folder) => Directory.Exists(folder) ? folder : null;
}
