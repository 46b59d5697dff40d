using System.Diagnostics;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Unets;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Engine.Training.Cache;
using Clap2Diffusion.Engine.Training.Checkpoints;
using Clap2Diffusion.Engine.Training.Data;
using Clap2Diffusion.Engine.Training.Metrics;
using Clap2Diffusion.Engine.Training.Optim;
using Clap2Diffusion.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Training;

/// <summary>A step of a training run, for progress bars and the admin page.</summary>
public sealed record TrainingProgress(string Phase, long Step, long TotalSteps, double Loss, TimeSpan Elapsed);

/// <summary>
/// How a run ended: completed, stopped by cancellation, or paused to let waiting generation jobs run.
/// <paramref name="FrozenUnchanged"/>: the frozen networks' weights hash the same at the end as at the start.
/// </summary>
public sealed record TrainingOutcome(string RunFolder, long Step, long TotalSteps, string AdaptersFolder, bool Completed, bool Yielded,
    DatasetReport Report, bool FrozenUnchanged);

/// <summary>
/// Trains the V4 adapters on an AudioCaps-format dataset with the frozen base model. Stage 1 (projection
/// alignment) trains every adapter parameter on the diffusion loss plus the alignment loss (mean cosine distance
/// between the 77 audio tokens and the caption's CLIP text states over its non-padding positions); stage 2
/// (weight optimisation) trains only the hierarchy weights and the gates on the diffusion loss. Every step's
/// randomness (batch, flips, crops, condition dropout, noise, timesteps) derives from the seed and the step
/// number, so a run resumed from a checkpoint reproduces the uninterrupted run's losses exactly.
/// </summary>
public sealed partial class AdapterTrainer : IDisposable
{
    private readonly AdapterTrainingSettings settings;
    private readonly TrainingComponents components;
    private readonly FeatureCache cache;
    private readonly AudioAdapters adapters;
    private readonly IMetricSink sink;
    private readonly ITrainingListener? listener;
    private readonly string runId;
    private readonly Tensor emptyText;
    private readonly DDIMScheduler noiseSchedule;
    private readonly Dictionary<long, int[]> orders = [];
    private readonly LevelTextTargets? levelTargets;

    private AdapterTrainer(AdapterTrainingSettings settings, TrainingComponents components, FeatureCache cache, AudioAdapters adapters,
        IMetricSink sink, ITrainingListener? listener, string runId, LevelTextTargets? levelTargets)
    {
        this.levelTargets = levelTargets;
        this.settings = settings;
        this.components = components;
        this.cache = cache;
        this.adapters = adapters;
        this.sink = sink;
        this.listener = listener;
        this.runId = runId;
        using (NewDisposeScope())
        using (no_grad())
            emptyText = new FrozenEncoders(components.Vae, components.Clap, components.TextEncoder, components.Tokenizer, 8, false, 1, "")
                .EmptyText().clone().DetachFromDisposeScope();
        noiseSchedule = new DDIMScheduler(components.SchedulerConfig);
    }

    public void Dispose()
    {
        emptyText.Dispose();
        noiseSchedule.Dispose();
    }

    /// <summary>
    /// Runs (or resumes) training in the settings' output folder: from <see cref="AdapterTrainingSettings.ResumeFrom"/>
    /// when it names a checkpoint, else from the output folder's latest checkpoint, else from the start.
    /// </summary>
    public static TrainingOutcome Run(AdapterTrainingSettings settings, ComputeTarget target, IMetricSink? sink = null,
        Action<TrainingProgress>? progress = null, Func<bool>? shouldYield = null, CancellationToken cancellation = default,
        ITrainingListener? listener = null)
    {
        settings.Validate();
        if (settings.Stage == 2)
            settings = settings with { InitAdapters = StageOneResult.Resolve(settings.InitAdapters, "init_adapters (--init-adapters)") };
        Directory.CreateDirectory(settings.Output);
        using var components = TrainingComponents.Load(settings.Model, settings.Clap, target);
        var resolution = settings.Resolution ?? components.DefaultResolution;
        var layout = new AudioCapsLayout(settings.Dataset)
        {
            AudioFolder = settings.AudioFolder, ImageFolder = settings.ImageFolder,
            AudioNaming = settings.AudioNaming, ImageNaming = settings.ImageNaming,
        };
        IReadOnlyList<AudioCapsEntry> entries = AudioCapsDataset.ReadSplit(layout, settings.Split);
        if (settings.SortByCaptionLength)
            entries = AudioCapsDataset.SortByCaptionLength(entries);
        if (settings.LimitSamples is { } limit)
            entries = entries.Take(limit).ToList();

        var store = new CheckpointStore(Path.Combine(settings.Output, "checkpoints"), settings.KeepCheckpoints);
        var latest = settings.ResumeFrom is { } resumeFrom ? CheckpointAt(resumeFrom) : store.Latest();
        var start = StartFolder(settings, latest?.Path);
        // The cache keeps CLAP's frame features only when the adapters have a temporal branch to read them.
        var temporal = start is not null
            ? ConfigJson.Read<V4AdapterConfig>(Path.Combine(start, AdapterFolder.ConfigFile)).Temporal
            : ResolveAdapterConfig(settings, components).Temporal;
        var encoders = new FrozenEncoders(components.Vae, components.Clap, components.TextEncoder, components.Tokenizer,
            resolution, settings.RandomFlip, settings.AudioCrops, components.ModelFingerprint, temporal);
        var cacheFolder = FeatureCache.FolderFor(settings.Cache ?? Path.Combine(settings.Output, "cache"), encoders);
        var (cache, report) = FeatureCache.Build(cacheFolder, entries, encoders, settings.Split, settings.MinAudioSeconds,
            (done, total) => progress?.Invoke(new TrainingProgress("features", done, total, double.NaN, TimeSpan.Zero)), cancellation);
        using (cache)
        {
            File.WriteAllText(Path.Combine(settings.Output, "dataset-report.json"), System.Text.Json.JsonSerializer.Serialize(report));
            if (cache.Count == 0)
                throw new InputException($"no usable samples in {settings.Dataset} ({report.Summary})");

            using var adapters = CreateAdapters(settings, components, start);
            var runId = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(settings.Output)));
            using var jsonl = new JsonlMetricSink(Path.Combine(settings.Output, "metrics.jsonl"));
            using var levelTargets = settings.Stage == 1 && settings.LevelWeight > 0 && adapters.Config.LevelViews
                ? LevelTextTargets.Build(entries, components.Clap)
                : null;
            using var trainer = new AdapterTrainer(settings, components, cache, adapters, sink is null ? jsonl : new CompositeMetricSink(jsonl, sink), listener, runId,
                levelTargets);
            return trainer.Loop(store, latest, entries, report, progress, shouldYield, cancellation);
        }
    }

    /// <summary>The adapter folder a run starts from: its checkpoint's, else the settings' initial adapters, else none.</summary>
    private static string? StartFolder(AdapterTrainingSettings settings, string? checkpoint) =>
        checkpoint is not null ? Path.Combine(checkpoint, CheckpointAdaptersFolder) : settings.InitAdapters;

    private static V4AdapterConfig ResolveAdapterConfig(AdapterTrainingSettings settings, TrainingComponents components) =>
        settings.ResolveAdapterConfig(components.Clap.EmbeddingSize, (int)components.UNet.TransformerBlockSites[0].CrossAttentionDim,
            components.Clap.FrameWidth);

    private static AudioAdapters CreateAdapters(AdapterTrainingSettings settings, TrainingComponents components, string? start)
    {
        if (start is not null)
        {
            // Trainable weights stay in float32 even when the frozen networks run in float16.
            var (loaded, _) = AdapterFolder.Load(start, components.UNet, new ComputeTarget(components.Target.Device, ScalarType.Float32), components.UNetHash);
            var wanted = settings.WithLora(loaded.Config);
            return wanted == loaded.Config ? loaded : WithLora(loaded, wanted, components, settings.Seed);
        }
        var config = ResolveAdapterConfig(settings, components);
        manual_seed(settings.Seed);
        return new AudioAdapters(config, components.UNet.TransformerBlockSites, components.Target.Device);
    }

    /// <summary>
    /// The same adapters with another LoRA (a new one starts untrained, so the outputs do not change until stage 2
    /// trains it); every other weight is copied.
    /// </summary>
    private static AudioAdapters WithLora(AudioAdapters loaded, V4AdapterConfig config, TrainingComponents components, long seed)
    {
        using (loaded)
        {
            manual_seed(seed);
            var widened = new AudioAdapters(config, components.UNet.TransformerBlockSites, components.Target.Device);
            using var noGrad = no_grad();
            var source = loaded.state_dict();
            foreach (var (key, tensor) in widened.state_dict())
                if (!IsLora(key))
                    tensor.copy_(source[key]);
            return widened;
        }
    }

    private static bool IsLora(string name) => name.Contains(".lora_A.", StringComparison.Ordinal) || name.Contains(".lora_B.", StringComparison.Ordinal);

    /// <summary>1 on a step skipped for a non-finite loss or gradient, else 0.</summary>
    public const string NonFiniteSkippedMetric = "steps/non_finite";

    /// <summary>How many steps of this run (this call) have been skipped for a non-finite loss or gradient so far.</summary>
    public const string NonFiniteTotalMetric = "steps/non_finite_total";

    private TrainingOutcome Loop(CheckpointStore store, (string Path, long Step)? latest, IReadOnlyList<AudioCapsEntry> entries, DatasetReport report,
        Action<TrainingProgress>? progress, Func<bool>? shouldYield, CancellationToken cancellation)
    {
        var trainable = SelectTrainable();
        using var optimizer = new AdamW(trainable, weightDecay: settings.WeightDecay);
        var step = 0L;
        if (latest is { } resume)
        {
            step = resume.Step;
            LoadOptimizer(optimizer, resume.Path);
        }
        var total = settings.EffectiveSteps;
        var schedule = new LearningRateSchedule(settings.EffectiveLearningRate, settings.WarmupSteps, total, settings.LearningRateDecay);
        var clock = Stopwatch.StartNew();
        var frozen = new FrozenWeightsCheck(components);
        adapters.train();

        var nonFinite = new NonFiniteGuard(Path.Combine(settings.Output, NonFiniteGuard.LogFile), settings.MaxNonFiniteSteps);
        while (step < total)
        {
            if (cancellation.IsCancellationRequested || (shouldYield?.Invoke() ?? false))
            {
                SaveCheckpoint(store, optimizer, step);
                var stoppedFolder = ExportAdapters(step);
                return new TrainingOutcome(settings.Output, step, total, stoppedFolder, false, !cancellation.IsCancellationRequested, report,
                    frozen.Unchanged());
            }
            var started = clock.Elapsed;
            step++;
            var result = TrainStep(step, optimizer, schedule.At(step - 1));
            NonFiniteStep? skipped = null;
            if (result.NonFinite is { } cause)
            {
                skipped = nonFinite.Skipped(step, cause, result.ItemIds);
                listener?.StepSkipped(skipped);
            }
            else
                nonFinite.Finite(result.Loss);
            var values = new Dictionary<string, double>(result.Parts)
            {
                ["loss/total"] = result.Loss,
                ["lr"] = schedule.At(step - 1),
                ["grad_norm"] = result.GradNorm,
                ["time/step_ms"] = (clock.Elapsed - started).TotalMilliseconds,
                [NonFiniteSkippedMetric] = skipped is null ? 0 : 1,
                [NonFiniteTotalMetric] = nonFinite.Total,
            };
            foreach (var (name, value) in GateValues())
                values[name] = value;
            sink.Write(new MetricRecord(runId, MetricRecord.TrainingKind, step, DateTimeOffset.UtcNow, values));
            progress?.Invoke(new TrainingProgress($"stage {settings.Stage}", step, total, result.Loss, clock.Elapsed));
            if (skipped is not null)
                nonFinite.ThrowIfExhausted(skipped);

            if (step % settings.CheckpointEvery == 0 && step < total)
                SaveCheckpoint(store, optimizer, step);
            if (step % settings.SampleEvery == 0 || step == total)
                try
                {
                    WriteSamples(step, entries, cancellation);
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    // The step itself is done: the boundary check keeps it in a checkpoint and stops the run.
                }
        }
        SaveCheckpoint(store, optimizer, step);
        return new TrainingOutcome(settings.Output, step, total, ExportAdapters(step), true, false, report, frozen.Unchanged());
    }

    private List<(string Name, TorchSharp.Modules.Parameter Parameter)> SelectTrainable()
    {
        var all = adapters.named_parameters().ToList();
        // Stage 2 tunes how strongly each level and each block listens, and the UNet's LoRA when there is one;
        // stage 1 leaves the LoRA at zero, so the projections align against the UNet as it is.
        bool Stage2(string name) => name == "audio_encoder.hierarchy_weights" || name.EndsWith(".gate", StringComparison.Ordinal) || IsLora(name);
        foreach (var (name, parameter) in all)
            parameter.requires_grad = settings.Stage == 1 ? !IsLora(name) : Stage2(name);
        return all.Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();
    }

    private List<(string Name, double Value)> GateValues()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var values = adapters.Sites.Select(site => ($"gate/{site.Path}", (double)adapters.For(site)!.GateValue().item<float>())).ToList();
        var weights = adapters.audio_encoder.hierarchy_weights.detach().cpu().data<float>().ToArray();
        values.AddRange(AudioLevels.All.Select(level => ($"hierarchy/{level.Name()}", (double)weights[(int)level])));
        if (adapters.LoraLayers.Count > 0)
        {
            // The size of the LoRA's update: its B matrices start at zero, so this shows how far stage 2 moved the UNet.
            var squares = adapters.LoraLayers.Values.Sum(layer => layer.lora_B.parameters().Sum(p => p.pow(Scalars.Two).sum().item<float>()));
            values.Add(("lora/b_norm", Math.Sqrt(squares)));
        }
        return values;
    }

    /// <summary>The sample index drawn as the <paramref name="draw"/>-th of the run: epochs are seeded shuffles.</summary>
    private int SampleIndex(long draw)
    {
        var epoch = draw / cache.Count;
        if (!orders.TryGetValue(epoch, out var order))
        {
            var random = new SeededRandom((ulong)settings.Seed).Fork(0xE0C0 + (ulong)epoch);
            order = Enumerable.Range(0, cache.Count).ToArray();
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            orders.Clear();
            orders[epoch] = order;
        }
        return order[(int)(draw % cache.Count)];
    }
}
