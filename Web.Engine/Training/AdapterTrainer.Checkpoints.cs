using System.Text.Json;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Generation;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Training.Checkpoints;
using Clap2Diffusion.Engine.Training.Data;
using Clap2Diffusion.Engine.Training.Optim;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Training;

public sealed partial class AdapterTrainer
{
    private const string OptimizerFile = "optimizer.safetensors";
    private const string StateFile = "state.json";
    private const string CheckpointAdaptersFolder = "adapters";

    /// <summary>Adapters, optimiser moments and the step: all a resumed run needs (its randomness derives from the step).</summary>
    private void SaveCheckpoint(CheckpointStore store, AdamW optimizer, long step)
    {
        var saved = store.Save(step, folder =>
        {
            // Exporting copies every weight to a float32 CPU tensor; the scope frees those copies here, on this thread.
            using var scope = NewDisposeScope();
            AdapterFolder.Save(adapters, Path.Combine(folder, CheckpointAdaptersFolder), Metadata(step));
            var (tensors, count) = optimizer.State();
            SafeTensorsWriter.Save(Path.Combine(folder, OptimizerFile), tensors.Select(kv => (kv.Key, kv.Value)),
                new Dictionary<string, string> { ["step"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            PretrainedWriter.WriteJson(Path.Combine(folder, StateFile), new { step, stage = settings.Stage, seed = settings.Seed, batch_size = settings.BatchSize });
        });
        listener?.CheckpointWritten(step, saved);
    }

    /// <summary>The adapter set inside a training checkpoint folder; null when the folder is not a checkpoint.</summary>
    public static string? CheckpointAdapters(string folder)
    {
        var adaptersFolder = Path.Combine(folder, CheckpointAdaptersFolder);
        return File.Exists(Path.Combine(folder, StateFile)) && File.Exists(Path.Combine(folder, OptimizerFile)) && Directory.Exists(adaptersFolder)
            ? adaptersFolder
            : null;
    }

    /// <summary>A checkpoint folder named explicitly, and the step it was written at.</summary>
    private static (string Path, long Step) CheckpointAt(string folder)
    {
        var state = Path.Combine(folder, StateFile);
        if (CheckpointAdapters(folder) is null)
            throw new InputException($"{folder} is not a training checkpoint (it needs {StateFile}, {OptimizerFile} and {CheckpointAdaptersFolder}/)");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(state));
            return (folder, document.RootElement.GetProperty("step").GetInt64());
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputException($"{state} is damaged ({error.Message})", error);
        }
    }

    private void LoadOptimizer(AdamW optimizer, string checkpoint)
    {
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(checkpoint, StateFile)));
        var root = state.RootElement;
        if (root.GetProperty("stage").GetInt32() != settings.Stage || root.GetProperty("seed").GetInt64() != settings.Seed
            || root.GetProperty("batch_size").GetInt32() != settings.BatchSize)
            throw new InputException($"the checkpoint in {checkpoint} belongs to a run with another stage, seed or batch size; " +
                "use a new output folder or the original settings to resume");
        using var file = SafeTensorsFile.Open(Path.Combine(checkpoint, OptimizerFile));
        var tensors = file.Names.ToDictionary(n => n, n => file.Load(n));
        optimizer.LoadState(tensors, long.Parse(file.Metadata["step"], System.Globalization.CultureInfo.InvariantCulture));
        foreach (var tensor in tensors.Values)
            tensor.Dispose();
    }

    /// <summary>Writes the run's current adapters as a loadable adapter folder (the one to select in the app).</summary>
    private string ExportAdapters(long step)
    {
        var folder = Path.Combine(settings.Output, "adapters");
        using (NewDisposeScope())
            AdapterFolder.Save(adapters, folder, Metadata(step));
        return folder;
    }

    private AdapterMetadata Metadata(long step) => new(components.UNetHash, Path.GetFileName(components.ModelFolder),
        components.Clap.WeightsHash, Domain: Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(settings.Dataset))),
        TrainingStep: step, Description: $"stage {settings.Stage}", TrainingStage: settings.Stage);

    /// <summary>Sample images from fixed validation pairs: the same prompts, sounds and seeds at every sampling step.</summary>
    private void WriteSamples(long step, IReadOnlyList<AudioCapsEntry> trainingEntries, CancellationToken cancellation)
    {
        var pairs = ValidationPairs(trainingEntries);
        if (pairs.Count == 0)
            return;
        var folder = Path.Combine(settings.Output, "samples", CheckpointStore.NameFor(step));
        adapters.eval();
        try
        {
            using var pipeline = ClapDiffusionPipeline.Borrow(components.ModelFolder, components.Tokenizer, components.TextEncoder, components.UNet,
                components.Vae, components.SchedulerConfig, components.PipelineSettings, components.Target, components.UNetHash, components.Clap, adapters);
            for (var i = 0; i < pairs.Count; i++)
            {
                var entry = pairs[i];
                var result = pipeline.Generate(new GenerationRequest
                {
                    Settings = pipeline.Defaults with { Prompt = entry.ConditioningText, Seed = settings.Seed + i, Steps = settings.SampleSteps },
                    Pair = true,
                    AdaptToRelation = false,
                    Audio = new AudioInput(AudioDecoder.DecodeFile(entry.AudioPath!), Path.GetFileName(entry.AudioPath!)),
                }, cancellation: cancellation);
                var withAudio = Path.Combine(folder, $"{i:D2}-audio.png");
                var textOnly = Path.Combine(folder, $"{i:D2}-text-only.png");
                Save(withAudio, result.AudioConditioned!);
                Save(textOnly, result.TextOnly!);
                listener?.SampleWritten(new TrainingSample(step, withAudio, entry.ConditioningText, entry.Caption, WithAudio: true));
                listener?.SampleWritten(new TrainingSample(step, textOnly, entry.ConditioningText, entry.Caption, WithAudio: false));
            }
        }
        finally
        {
            adapters.train();
        }
    }

    private List<AudioCapsEntry> ValidationPairs(IReadOnlyList<AudioCapsEntry> trainingEntries)
    {
        var layout = new AudioCapsLayout(settings.Dataset)
        {
            AudioFolder = settings.AudioFolder, ImageFolder = settings.ImageFolder,
            AudioNaming = settings.AudioNaming, ImageNaming = settings.ImageNaming,
        };
        IEnumerable<AudioCapsEntry> candidates = File.Exists(layout.SplitCsv("val")) && settings.Split != "val"
            ? AudioCapsDataset.ReadSplit(layout, "val")
            : trainingEntries;
        return candidates.Where(e => e.AudioPath is not null).Take(settings.SamplePairs).ToList();
    }

    private static void Save(string path, GeneratedImage image) =>
        PngWriter.Save(path, image.Image.Width, image.Image.Height, image.Image.Pixels, image.Parameters.PngTexts());
}
