using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Pipelines;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Engine.Training.Data;
using Clap2Diffusion.Engine.Weights;
using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Demo.Build;

public sealed partial class DemoBuilder
{
    /// <summary>The demo's sounds as the relation classifier knows them: each element's word and a caption phrase.</summary>
    public static RelationAnchors DemoAnchors(double audioThreshold) => new()
    {
        Foreground = [new("barking", "a dog is barking"), new("bell", "a bell rings"), new("chirping", "birds are chirping")],
        Background = [new("engine", "an engine hums"), new("chatter", "people chatter")],
        Ambience = [new("rain", "rain falls"), new("wind", "wind blows"), new("waves", "waves crash")],
        AudioThreshold = audioThreshold,
        // Demo prompts name elements by their words, which the rule matches exactly; similarity alone never decides.
        PromptThreshold = 1.01,
        MatchThreshold = 1.01,
    };

    /// <summary>Every prompt shape the base model trains on: each object, alone and with every combination of scene words.</summary>
    private static IEnumerable<string> PromptCorpus()
    {
        string?[] foreground = [null, .. DemoVocabulary.Foreground];
        string?[] background = [null, .. DemoVocabulary.Background];
        string?[] ambience = [null, .. DemoVocabulary.Ambience];
        foreach (var color in DemoVocabulary.Colors)
            foreach (var shape in DemoVocabulary.Shapes)
                foreach (var f in foreground)
                    foreach (var b in background)
                        foreach (var a in ambience)
                            yield return PromptWriter.Write(shape, color, new[] { f, b, a }.Where(w => w is not null).Select(w => w!).ToList());
    }

    private IEnumerable<string> CaptionCorpus()
    {
        var random = new SeededRandom(seed).Fork(0xCAB);
        for (var i = 0; i < 4000; i++)
            yield return AudioCaptionWriter.Write(SceneSampler.Sample(random), random);
    }

    private void WriteScheduler()
    {
        Directory.CreateDirectory(Path.Combine(Model, "scheduler"));
        File.WriteAllText(Path.Combine(Model, "scheduler", "scheduler_config.json"),
            """
            {
              "_class_name": "DDIMScheduler",
              "_diffusers_version": "0.27.2",
              "beta_start": 0.00085,
              "beta_end": 0.012,
              "beta_schedule": "scaled_linear",
              "num_train_timesteps": 1000,
              "prediction_type": "v_prediction",
              "set_alpha_to_one": false,
              "steps_offset": 1,
              "clip_sample": false,
              "timestep_spacing": "leading"
            }
            """);
    }

    private void WriteModelIndex() => File.WriteAllText(Path.Combine(Model, "model_index.json"),
        """
        {
          "_class_name": "StableDiffusionPipeline",
          "_diffusers_version": "0.27.2",
          "feature_extractor": [null, null],
          "requires_safety_checker": false,
          "safety_checker": [null, null],
          "scheduler": ["diffusers", "DDIMScheduler"],
          "text_encoder": ["transformers", "CLIPTextModel"],
          "tokenizer": ["transformers", "CLIPTokenizer"],
          "unet": ["diffusers", "UNet2DConditionModel"],
          "vae": ["diffusers", "AutoencoderKL"]
        }
        """);

    /// <summary>
    /// Chooses the similarity from which the demo CLAP counts a sound as present: the value that best separates,
    /// on the validation clips, levels that hold a sound from empty ones.
    /// </summary>
    private void CalibrateComposition(string clapFolder)
    {
        PretrainedWriter.WriteJson(Path.Combine(clapFolder, RelationAnchors.FileName), DemoAnchors(0.5));
        using var clap = ClapConditioner.Load(clapFolder, ComputeTarget.Cpu);
        var anchors = DemoAnchors(0.5);
        var entries = AudioCapsDataset.ReadSplit(new AudioCapsLayout(World), "val");
        var observations = new List<(double Best, bool Filled, bool RightElement)>();
        using (no_grad())
            foreach (var entry in entries)
            {
                var scene = ClapStage.SceneOf(entry.Columns);
                var (embedding, _) = clap.EmbedAudio(Audio.AudioDecoder.DecodeFile(entry.AudioPath!), 0, 0);
                foreach (var level in Enum.GetValues<AudioLevel>())
                {
                    var set = anchors.Level(level);
                    var similarities = clap.EmbedTexts(set.Select(a => a.Phrase).ToList()).matmul(embedding.reshape(-1)).data<float>().ToArray();
                    var best = Array.IndexOf(similarities, similarities.Max());
                    observations.Add((similarities[best], scene.Element(level) is not null, set[best].Keyword == scene.Element(level)));
                }
                embedding.Dispose();
            }
        var candidates = observations.Select(o => o.Best).Order().ToList();
        var threshold = candidates.Count == 0 ? 0.5 : candidates
            .Select(t => (Threshold: t, Accuracy: observations.Count(o => o.Best >= t == o.Filled)))
            .OrderByDescending(c => c.Accuracy).First().Threshold;
        var filled = observations.Where(o => o.Filled).ToList();
        log($"composition: audio threshold {threshold:F3}; fill accuracy {observations.Count(o => o.Best >= threshold == o.Filled) / (double)Math.Max(1, observations.Count):P1}, " +
            $"element accuracy where filled {filled.Count(o => o.RightElement) / (double)Math.Max(1, filled.Count):P1}");
        PretrainedWriter.WriteJson(Path.Combine(clapFolder, RelationAnchors.FileName), DemoAnchors(Math.Round(threshold, 4)));
    }
}
