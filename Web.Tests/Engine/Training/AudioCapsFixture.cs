using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Demo.World;
using Clap2Diffusion.Engine.Imaging.Png;
using Clap2Diffusion.Engine.Runtime;
using Clap2Diffusion.Tests.Infrastructure;

namespace Clap2Diffusion.Tests.Engine.Training;

/// <summary>An AudioCaps-format dataset made by the test: rendered scenes, their synthesised sounds, captions.</summary>
public sealed class AudioCapsFixture : IDisposable
{
    private readonly TempFolder folder = new("audiocaps-fixture");

    public AudioCapsFixture(int rows, int imageSize = 16)
    {
        Root = folder.Path;
        Directory.CreateDirectory(Path.Combine(Root, "audio"));
        Directory.CreateDirectory(Path.Combine(Root, "images"));
        var random = new SeededRandom(77);
        var lines = new List<string> { "audiocap_id,youtube_id,start_time,caption" };
        for (var i = 0; i < rows; i++)
        {
            var scene = SceneSampler.Sample(random);
            var id = $"clip{i:D3}";
            var caption = AudioCaptionWriter.Write(scene, random);
            lines.Add($"{1000 + i},{id},0,\"{caption}\"");
            WavWriter.Write(Path.Combine(Root, "audio", $"{id}_0.wav"), SceneSynthesizer.Synthesize(scene, random.Fork((ulong)i), 48000, 1.5), 48000);
            PngWriter.Save(Path.Combine(Root, "images", $"{id}_0.png"), imageSize, imageSize, SceneRenderer.Render(scene, random.Fork((ulong)i), imageSize));
        }
        File.WriteAllLines(Path.Combine(Root, "train.csv"), lines);
    }

    public string Root { get; }

    public string AudioOf(int row) => Path.Combine(Root, "audio", $"clip{row:D3}_0.wav");

    public string ImageOf(int row) => Path.Combine(Root, "images", $"clip{row:D3}_0.png");

    public void Dispose() => folder.Dispose();
}
