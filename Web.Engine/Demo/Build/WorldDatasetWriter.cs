using System.Globalization;
using System.Text;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Demo.Build;

/// <summary>
/// Writes the demo world as an AudioCaps-format dataset: split CSVs with the official columns plus the ground
/// truth (<c>prompt</c>, which the adapter trainer conditions on, and one column per attribute), one WAV and one
/// PNG per row. The same seed writes the same files.
/// </summary>
public static class WorldDatasetWriter
{
    public static readonly string[] Columns = ["audiocap_id", "youtube_id", "start_time", "caption", "prompt", "shape", "color", "foreground", "background", "ambience"];

    public static void Write(string root, IReadOnlyDictionary<string, int> splits, ulong seed, int sampleRate, double seconds, int imageSize,
        Action<int, int>? progress = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(Path.Combine(root, "audio"));
        Directory.CreateDirectory(Path.Combine(root, "images"));
        var total = splits.Values.Sum();
        var done = 0;
        var id = 100000;
        foreach (var (split, count) in splits)
        {
            // A stable salt per split name (string hash codes change from process to process).
            var random = new SeededRandom(seed).Fork(split.Aggregate(1469598103934665603UL, (h, c) => (h ^ c) * 1099511628211UL));
            var csv = new StringBuilder(string.Join(",", Columns)).Append('\n');
            for (var i = 0; i < count; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                var sceneRandom = random.Fork((ulong)i);
                var scene = SceneSampler.Sample(sceneRandom);
                var youtubeId = $"{split}{i:D5}";
                var caption = AudioCaptionWriter.Write(scene, sceneRandom);
                var samples = SceneSynthesizer.Synthesize(scene, sceneRandom.Fork(1), sampleRate, seconds);
                WavWriter.Write(Path.Combine(root, "audio", $"{youtubeId}_0.wav"), samples, sampleRate);
                PngWriter.Save(Path.Combine(root, "images", $"{youtubeId}_0.png"), imageSize, imageSize, SceneRenderer.Render(scene, sceneRandom.Fork(2), imageSize));
                string[] row =
                [
                    (id++).ToString(CultureInfo.InvariantCulture), youtubeId, "0", caption, scene.ObjectPhrase, scene.Shape, scene.Color,
                    scene.Foreground ?? DemoVocabulary.None, scene.Background ?? DemoVocabulary.None, scene.Ambience ?? DemoVocabulary.None,
                ];
                csv.Append(string.Join(",", row.Select(Quote))).Append('\n');
                progress?.Invoke(++done, total);
            }
            File.WriteAllText(Path.Combine(root, $"{split}.csv"), csv.ToString());
        }
    }

    private static string Quote(string value) => value.Contains(',') || value.Contains('"') ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}
