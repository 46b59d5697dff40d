using System.Diagnostics;
using System.Text.Json;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Demo.Classifier;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Evaluation;
using Clap2Diffusion.Engine.Models.Autoencoders;
using Clap2Diffusion.Engine.Models.Classifiers;
using Clap2Diffusion.Engine.Models.Clip;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Engine.Tokenizers;
using Clap2Diffusion.Engine.Training;
using Clap2Diffusion.Engine.Weights;
using Clap2Diffusion.Engine.Weights.Layouts;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Demo.Build;

/// <summary>
/// <c>demo build</c>: regenerates the demo world and retrains every part of the demo model in order, each stage
/// reading the previous stages' output from the work folder, so a build resumes at any stage (<c>--from</c>).
/// Stages: world (the AudioCaps-format dataset), vae, base (text encoder and UNet), clap, adapters (the V4
/// two-stage recipe through the same trainer users run), classifier, then the export of the finished model in
/// float16 to the output folder.
/// </summary>
public sealed partial class DemoBuilder(DemoProfile profile, string work, string output, ulong seed, Action<string> log, StageProgress? progress)
{
    public static readonly IReadOnlyList<string> Stages = ["world", "vae", "base", "clap", "adapters", "classifier", "export"];

    private string World => Path.Combine(work, "world");
    private string Model => Path.Combine(work, "model");
    private string StagesFile => Path.Combine(work, "stages.json");

    public IReadOnlyDictionary<string, double> Run(string? from, CancellationToken cancellation)
    {
        Directory.CreateDirectory(work);
        var done = ReadDone();
        var start = from is null ? Stages.FirstOrDefault(s => !done.ContainsKey(s)) : from;
        if (start is null)
        {
            log("every stage is done; pass --from STAGE to rebuild from a stage");
            return done;
        }
        if (!Stages.Contains(start))
            throw new InputException($"unknown stage '{start}'; stages are {string.Join(", ", Stages)}");
        foreach (var stage in Stages.SkipWhile(s => s != start))
        {
            cancellation.ThrowIfCancellationRequested();
            log($"stage {stage} ({profile.Name} profile)...");
            var clock = Stopwatch.StartNew();
            RunStage(stage, cancellation);
            done[stage] = Math.Round(clock.Elapsed.TotalSeconds, 1);
            log($"stage {stage} done in {clock.Elapsed:hh\\:mm\\:ss}");
            PretrainedWriter.WriteJson(StagesFile, done);
        }
        return done;
    }

    private void RunStage(string stage, CancellationToken cancellation)
    {
        switch (stage)
        {
            case "world": BuildWorld(cancellation); break;
            case "vae": BuildVae(cancellation); break;
            case "base": BuildBase(cancellation); break;
            case "clap": BuildClap(cancellation); break;
            case "adapters": BuildAdapters(cancellation); break;
            case "classifier": BuildClassifier(cancellation); break;
            default: Export(); break;
        }
    }

    private void BuildWorld(CancellationToken cancellation)
    {
        if (Directory.Exists(World))
            Directory.Delete(World, recursive: true);
        DemoWorldDataset.Write(World, DemoWorldDataset.Splits(profile), seed,
            (doneCount, total) => progress?.Invoke("world", doneCount, total, double.NaN), cancellation);
    }

    private void BuildVae(CancellationToken cancellation)
    {
        using var vae = VaeStage.Train(profile, seed, progress, cancellation);
        var scale = VaeStage.ScalingFactor(vae, seed);
        log($"vae scaling factor {scale:F5}");
        PretrainedWriter.Save(vae, DemoArchitecture.Vae(scale), Path.Combine(Model, "vae"));
    }

    private void BuildBase(CancellationToken cancellation)
    {
        var tokenizerFolder = Path.Combine(Model, "tokenizer");
        VocabularyWriter.WriteClip(tokenizerFolder, PromptCorpus(), maxMerges: 400);
        var tokenizer = CLIPTokenizer.FromPretrained(tokenizerFolder);
        var vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(tokenizerFolder, "vocab.json")))!;
        var textConfig = DemoArchitecture.Text(vocabulary.Count, tokenizer.BosTokenId, tokenizer.EosTokenId);

        WriteScheduler();
        var schedule = SchedulerConfig.Read(Path.Combine(Model, "scheduler", "scheduler_config.json"));
        using var vae = AutoencoderKL.FromPretrained(Path.Combine(Model, "vae"), ComputeTarget.Cpu);
        var (unet, text) = BaseModelStage.Train(profile, vae, tokenizer, textConfig, schedule, seed, progress, cancellation);
        using (unet)
        using (text)
        {
            PretrainedWriter.Save(unet, DemoArchitecture.UNet(profile), Path.Combine(Model, "unet"));
            PretrainedWriter.Save(text, textConfig, Path.Combine(Model, "text_encoder"), WeightFiles.Transformers);
        }
        WriteModelIndex();
    }

    private void BuildClap(CancellationToken cancellation)
    {
        var clapFolder = Path.Combine(Model, "clap");
        VocabularyWriter.WriteRoberta(clapFolder, CaptionCorpus(), maxMerges: 300);
        var tokenizer = RobertaTokenizer.FromPretrained(clapFolder);
        var vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(clapFolder, "vocab.json")))!;
        var featureConfig = DemoArchitecture.ClapFeatures();
        PretrainedWriter.WriteJson(Path.Combine(clapFolder, "preprocessor_config.json"), featureConfig);
        using var clap = ClapStage.Train(profile, World, tokenizer, vocabulary.Count, new ClapFeatureExtractor(featureConfig), seed, progress, cancellation);
        PretrainedWriter.Save(clap, DemoArchitecture.Clap(vocabulary.Count), clapFolder, WeightFiles.Transformers);
        CalibrateComposition(clapFolder);
    }

    private void BuildAdapters(CancellationToken cancellation)
    {
        var configPath = Path.Combine(work, "adapter_config.json");
        PretrainedWriter.WriteJson(configPath, DemoArchitecture.Adapters());
        var common = new AdapterTrainingSettings
        {
            Dataset = World,
            Model = Model,
            AdapterConfig = configPath,
            BatchSize = profile.AdapterBatch,
            WarmupSteps = Math.Min(100, profile.Stage1Steps / 10),
            CheckpointEvery = Math.Max(1, profile.Stage1Steps / 4),
            // No sample images: a run's closing samples would cost more than the smoke profile's whole training.
            SampleEvery = int.MaxValue,
            SamplePairs = 0,
            AlignmentWeight = 0.1,
            // The world is not mirror-symmetric: the bell is drawn top right, the bird top left, the paw bottom
            // left. Flipped images would teach the adapters that each sound may land on either side.
            RandomFlip = false,
            Seed = (long)(seed & 0x7FFFFFFF),
            Cache = Path.Combine(work, "feature-cache"),
        };
        var stage1 = AdapterTrainer.Run(common with
        {
            Stage = 1, Steps = profile.Stage1Steps, LearningRate = 5e-4, Output = Path.Combine(work, "runs", "stage1"),
        }, ComputeTarget.Cpu, progress: p => progress?.Invoke($"adapters ({p.Phase})", (int)p.Step, (int)p.TotalSteps, p.Loss), cancellation: cancellation);
        log($"adapters stage 1: {stage1.Report.Summary}");
        var stage2 = AdapterTrainer.Run(common with
        {
            Stage = 2, Steps = profile.Stage2Steps, LearningRate = 1e-4, InitAdapters = stage1.AdaptersFolder, Output = Path.Combine(work, "runs", "stage2"),
            CheckpointEvery = Math.Max(1, profile.Stage2Steps / 2),
        }, ComputeTarget.Cpu, progress: p => progress?.Invoke($"adapters ({p.Phase})", (int)p.Step, (int)p.TotalSteps, p.Loss), cancellation: cancellation);
        var adapters = Path.Combine(Model, "adapters");
        if (Directory.Exists(adapters))
            Directory.Delete(adapters, recursive: true);
        CopyFolder(stage2.AdaptersFolder, adapters);
    }

    private void BuildClassifier(CancellationToken cancellation)
    {
        using var vae = AutoencoderKL.FromPretrained(Path.Combine(Model, "vae"), ComputeTarget.Cpu);
        using var classifier = new SceneAttributeClassifier(SceneLabels.DefaultConfig());
        Models.Layers.Norms.ResetGroupNorms(classifier);
        // Half the batches pass through the VAE, so the classifier also reads the softer images the model draws.
        ClassifierTrainer.Train(classifier, new ClassifierTrainingSettings(profile.ClassifierSteps, 32, 2e-3, seed),
            images =>
            {
                using var posterior = vae.encode(images);
                return vae.decode(posterior.mean).clamp(Scalars.MinusOne, Scalars.One);
            },
            (step, loss) => progress?.Invoke("classifier", step + 1, profile.ClassifierSteps, loss), cancellation);
        SceneClassifierFolder.Save(classifier, Path.Combine(Model, "classifier"));
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }

    private Dictionary<string, double> ReadDone() =>
        File.Exists(StagesFile) ? JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(StagesFile)) ?? [] : [];
}
