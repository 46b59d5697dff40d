using System.Diagnostics;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Engine.Tokenizers;
using Clap2Diffusion.Engine.Weights.Lora;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Pipelines;

/// <summary>
/// Text (+ sound) to image with Stable Diffusion and the CLAP2Diffusion V4 adapters, in the stages of the
/// algorithm: check inputs, encode text, encode audio, prepare timesteps, prepare latents, denoise with dual
/// guidance, decode. All randomness comes from a generator seeded by the request, so the same seed and settings
/// give the same image, bit for bit, on the same machine and thread count. Not thread-safe: one job at a time,
/// on one thread (dispose scopes and grad mode are thread-local in TorchSharp).
/// </summary>
public sealed partial class ClapDiffusionPipeline : IDisposable
{
    private readonly CLIPTokenizer tokenizer;
    private readonly CLIPTextModel textEncoder;
    private readonly UNet2DConditionModel unet;
    private readonly AutoencoderKL vae;
    private readonly SchedulerConfig schedulerConfig;
    private readonly LatentRgbFactors previewFactors;
    private ClapConditioner? clap;
    private AudioAdapters? adapters;
    private LoraTargets? loraTargets;
    private SafetyGate? safety;
    private bool ownsComponents = true;

    public ComputeTarget Target { get; }

    /// <summary>How many step previews this pipeline has rendered: only those a progress listener asked for.</summary>
    public long PreviewsRendered { get; private set; }

    public PipelineInfo Info { get; private set; }

    public PipelineSettings Settings { get; }

    public CompositionStrategy Composition { get; init; } = new();

    /// <summary>Image size multiple: 2^(VAE blocks - 1).</summary>
    public int VaeScaleFactor => 1 << (vae.Config.BlockOutChannels.Length - 1);

    public int DefaultSize => (unet.Config.SampleSize ?? 64) * VaeScaleFactor;

    public bool HearsAudio => clap is not null && adapters is not null;

    /// <summary>What happens to flagged images: <see cref="SafetyMode.Off"/> when no checker runs.</summary>
    public SafetyMode Safety => safety?.Mode ?? SafetyMode.Off;

    public GenerationResult Generate(GenerationRequest request, Action<StepProgress>? onStep = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        // 1. Check inputs and resolve defaults.
        var plan = Plan(request);
        var settings = plan.Settings;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var loras = ApplyLoras(request, out var loraUses);

        // 2. Encode text: rows [negative, prompt] (the negative only when classifier-free guidance is on).
        var useUncond = settings.TextGuidance > 1;
        var textEmbeddings = EncodeText(useUncond ? [settings.NegativePrompt, settings.Prompt] : [settings.Prompt], request.ClipSkip);

        // 3. Encode audio, classify the pair, adapt per-level strength to the relation.
        HybridAudioTokens? tokens = null;
        RelationAssessment? relation = null;
        var strength = settings.Strengths;
        int? cropOffset = null;
        if (request.Audio is { } audio)
        {
            // Frame features only for adapters with the temporal branch; the embedding is the same either way.
            var (embedding, frames, offset) = adapters!.Config.Temporal
                ? clap!.EmbedAudioWithFrames(audio.Clip, plan.Seed, audio.CropOffset)
                : WithoutFrames(clap!.EmbedAudio(audio.Clip, plan.Seed, audio.CropOffset));
            cropOffset = offset;
            relation = clap.Assess(settings.Prompt, embedding);
            if (relation is not null && request.AdaptToRelation)
                strength = Composition.Adapt(strength, relation, adapters.Config);
            tokens = adapters.audio_encoder.forward(embedding.to(Target.DType, Target.Device), request.HeardLevels, frames?.to(Target.DType, Target.Device));
        }

        // 8. Screen each final image with the safety checker before it leaves the pipeline.
        var progress = new ProgressCounter(onStep, clock, plan.Steps - plan.FirstStep(request.InitImage is not null), loops: request.Pair && tokens is not null ? 2 : 1);
        var image = Screen(Denoise(plan, request.InitImage, textEmbeddings, useUncond, tokens, strength,
            tokens is null ? ImageCondition.TextOnly : ImageCondition.Audio, progress, cancellation));
        SafetyScreening? baseline = null;
        if (request.Pair && tokens is not null)
            baseline = Screen(Denoise(plan, request.InitImage, textEmbeddings, useUncond, null, strength, ImageCondition.TextOnly, progress, cancellation));

        var textOnly = plan.Parameters with { Loras = loraUses };
        var parameters = tokens is null
            ? textOnly with { Safety = image.Verdict }
            : textOnly with
            {
                Audio = request.Audio?.Name,
                AudioScale = settings.AudioGuidance,
                AudioStrength = strength,
                AudioCropOffset = cropOffset,
                Relation = relation?.Name,
                AdaptersHash = Info.AdaptersHash,
                ClapHash = Info.ClapHash,
                Condition = ImageCondition.Audio.Name(),
                Safety = image.Verdict,
            };
        return new GenerationResult(image.Image, baseline?.Image, parameters, relation, clock.Elapsed)
        {
            ImageFlagged = image.Flagged,
            BaselineFlagged = baseline?.Flagged ?? false,
            // The baseline's own metadata: everything it shares with the audio image, nothing it did not use.
            BaselineParameters = baseline is null ? null : textOnly with { Safety = baseline.Verdict },
        };
    }

    private static (Tensor Embedding, Tensor? Frames, int CropOffset) WithoutFrames((Tensor Embedding, int CropOffset) audio) =>
        (audio.Embedding, null, audio.CropOffset);

    /// <summary>Counts steps over the whole job and reports them; renders a preview only when the listener asks.</summary>
    private sealed class ProgressCounter(Action<StepProgress>? onStep, Stopwatch clock, int stepsPerLoop, int loops)
    {
        private int done;

        public void Report(ImageCondition phase, double timestep, Func<RgbImage> renderPreview)
        {
            done++;
            onStep?.Invoke(new StepProgress(phase, done, stepsPerLoop * loops, timestep, clock.Elapsed, renderPreview));
        }
    }

    private RgbImage Denoise(GenerationPlan plan, RgbImage? initImage, Tensor textEmbeddings, bool useUncond, HybridAudioTokens? tokens,
        AudioStrength strength, ImageCondition phase, ProgressCounter progress, CancellationToken cancellation)
    {
        using var scope = NewDisposeScope();
        var settings = plan.Settings;
        // 4. Prepare timesteps (img2img starts part-way down the schedule).
        using var generator = new Generator((ulong)plan.Seed);
        using var scheduler = plan.SchedulerName is null ? SchedulerFactory.FromConfig(schedulerConfig) : SchedulerFactory.Create(plan.SchedulerName, schedulerConfig);
        scheduler.NoiseSource = new GeneratorNoiseSource(generator);
        scheduler.SetTimesteps(plan.Steps);
        var begin = plan.FirstStep(initImage is not null);
        if (begin >= plan.Steps)
            throw new InputException($"At strength {settings.Strength} an edit of {plan.Steps} steps would run none; raise the strength or the steps.");
        scheduler.SetBeginIndex(begin * scheduler.Order);

        // 5. Prepare latents from the seeded generator (on the CPU, so seeds mean the same thing on every device).
        var shape = new long[] { 1, unet.Config.InChannels, plan.Height / VaeScaleFactor, plan.Width / VaeScaleFactor };
        var noise = randn(shape, generator: generator);
        var latents = initImage is null
            ? Scalars.Times(scheduler.InitNoiseSigma, noise)
            : scheduler.AddNoise(EncodeImage(initImage, plan, generator), noise, scheduler.Timesteps[begin..(begin + 1)]);
        latents = latents.to(Target.DType, Target.Device);

        // 6. Denoise with guidance: one UNet call per step on the rows [uncond?, text, text+audio?].
        var rows = new List<Tensor>();
        if (useUncond)
            rows.Add(textEmbeddings[0]);
        rows.Add(textEmbeddings[useUncond ? 1 : 0]);
        if (tokens is not null)
            rows.Add(textEmbeddings[useUncond ? 1 : 0]);
        var context = stack(rows).to(Target.DType, Target.Device);
        var audioRows = tensor(rows.Select((_, i) => tokens is not null && i == rows.Count - 1 ? 1f : 0f).ToArray(), device: Target.Device);
        // The adapters' LoRA is part of the fine-tuned UNet, so it applies to the text-only rows and images too.
        var hooks = tokens is null && adapters?.Projections is null ? null : new UNetHooks
        {
            TransformerBlocks = tokens is null ? null : new AudioAdapterHook(adapters!, ExpandTokens(tokens, rows.Count), audioRows, strength),
            Projections = adapters?.Projections,
        };

        var timesteps = scheduler.TimestepValues;
        for (var i = begin; i < timesteps.Length; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var step = NewDisposeScope();
            var t = timesteps[i];
            var input = scheduler.ScaleModelInput(latents, t).expand(rows.Count, -1, -1, -1);
            var eps = unet.forward(input, scheduler.Timesteps[i].expand(rows.Count).to(Target.Device), context, hooks).to(ScalarType.Float32);
            var parts = eps.chunk(rows.Count);
            var guided = Guidance.Combine(useUncond ? parts[0] : null, parts[useUncond ? 1 : 0], tokens is null ? null : parts[^1],
                settings.TextGuidance, settings.AudioGuidance);
            var output = scheduler.Step(guided.to(latents.dtype), t, latents);
            latents = output.PrevSample.MoveToOuterDisposeScope();
            var estimate = output.PredOriginalSample ?? latents;
            progress.Report(phase, t, () =>
            {
                PreviewsRendered++;
                return LatentPreview.ToRgb(estimate, previewFactors);
            });
        }

        // 7. Decode.
        cancellation.ThrowIfCancellationRequested();
        var decoded = vae.decode(Scalars.DividedBy(latents.to(Target.DType), vae.ScalingFactor));
        return new RgbImage(plan.Width, plan.Height, ImageTensors.ToRgb(decoded[0]));
    }

    /// <summary>
    /// Merges the request's LoRA files into the UNet and text encoder until the result is disposed, which puts the
    /// original weights back bit for bit. Files with scale 0 are read and checked but change nothing.
    /// </summary>
    private AppliedLoras? ApplyLoras(GenerationRequest request, out IReadOnlyList<LoraUse>? uses)
    {
        uses = null;
        var requested = request.Settings.Loras ?? [];
        if (requested.Count == 0)
            return null;
        var paths = requested.Select(l => request.LoraFiles[l.Name]).ToList();
        var files = new List<LoraFile>();
        try
        {
            foreach (var path in paths)
                files.Add(LoraFile.Read(path));
            loraTargets ??= new LoraTargets(new Dictionary<string, TorchSharp.torch.nn.Module> { ["unet"] = unet, ["text_encoder"] = textEncoder });
            var applied = AppliedLoras.Apply(loraTargets, files.Select((f, i) => (f, requested[i].Scale)).ToList());
            uses = requested.Select((l, i) => new LoraUse(Path.GetFileName(paths[i]), l.Scale, Weights.ModelHash.OfFile(paths[i]))).ToList();
            return applied;
        }
        finally
        {
            foreach (var file in files)
                file.Dispose();
        }
    }
    private SafetyScreening Screen(RgbImage image) => safety?.Screen(image) ?? SafetyScreening.Off(image);

    private Tensor EncodeText(IReadOnlyList<string> prompts, int clipSkip)
    {
        var ids = tokenizer.EncodePadded(prompts).InputIdsTensor(Target.Device);
        return textEncoder.PromptEmbeddings(ids, clipSkip).to(Target.DType);
    }

    private Tensor EncodeImage(RgbImage image, GenerationPlan plan, Generator generator)
    {
        var resized = EditImage.CoverCrop(image, plan.Width, plan.Height);
        var pixels = ImageTensors.FromRgb(resized.Pixels, resized.Width, resized.Height).unsqueeze(0).to(Target.DType, Target.Device);
        using var posterior = vae.encode(pixels);
        return Scalars.Times(vae.ScalingFactor, posterior.sample(generator)).to(ScalarType.Float32).cpu();
    }

    // The adapters read one token set per batch row; rows without audio are scaled to zero by the hook.
    private static HybridAudioTokens ExpandTokens(HybridAudioTokens tokens, int rows) => new(
        tokens.Foreground.expand(rows, -1, -1), tokens.Background.expand(rows, -1, -1),
        tokens.Ambience.expand(rows, -1, -1), tokens.Full.expand(rows, -1, -1));

    public void Dispose()
    {
        if (!ownsComponents)
            return;
        textEncoder.Dispose();
        unet.Dispose();
        vae.Dispose();
        clap?.Dispose();
        adapters?.Dispose();
        safety?.Dispose();
    }
}
