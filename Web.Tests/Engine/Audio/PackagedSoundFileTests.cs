using Clap2Diffusion.Engine.Audio;
using Xunit.Abstractions;
using static Clap2Diffusion.Tests.Engine.Audio.ExternalAudioTools;

namespace Clap2Diffusion.Tests.Engine.Audio;

/// <summary>
/// Sound files that Debian packages ship (written by people who never saw this code): the freedesktop sound
/// theme's Ogg Vorbis files (sound-theme-freedesktop), ALSA's speaker-test WAVs (alsa-utils) and the speech
/// sound icons (sound-icons), each decoded here and by ffmpeg.
/// </summary>
public sealed class PackagedSoundFileTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var (folder, pattern, package) in new[]
                 {
                     ("/usr/share/sounds/freedesktop/stereo", "*.oga", "sound-theme-freedesktop"),
                     ("/usr/share/sounds/alsa", "*.wav", "alsa-utils"),
                     ("/usr/share/sounds/sound-icons", "*.wav", "sound-icons"),
                 })
        {
            var files = Directory.Exists(folder) ? Directory.GetFiles(folder, pattern) : [];
            if (files.Length == 0)
                throw new InvalidOperationException($"no {pattern} in {folder}: install the Debian package {package} (scripts/test.sh does)");
            // A spread of each folder keeps the run short.
            var ordered = files.Order().ToArray();
            var step = Math.Max(1, ordered.Length / 8);
            foreach (var file in ordered.Where((_, i) => i % step == 0))
                data.Add(file);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Packaged_sound_files_decode_like_ffmpeg(string path)
    {
        var clip = AudioDecoder.DecodeFile(path, new AudioDecoderOptions { FfmpegPath = "" });
        var (reference, channels, rate) = FfmpegDecode(path);
        var expected = Downmix(reference, channels);

        Assert.Equal(rate, clip.SampleRate);
        Assert.Equal(channels, clip.Source.Channels);
        var compared = Math.Min(expected.Length, clip.Samples.Length);
        var maxError = Enumerable.Range(0, compared).Select(i => Math.Abs(expected[i] - clip.Samples[i])).Max();
        output.WriteLine($"{Path.GetFileName(path)}: {clip.Source}, {clip.Samples.Length} samples (ffmpeg {expected.Length}), max |error| {maxError:G3}");
        // Vorbis: two float decoders; ffmpeg may drop the final partial block that NVorbis keeps.
        Assert.True(maxError <= (clip.Source.Container == AudioContainer.Wav ? 0 : 1e-4), $"max error {maxError:G3}");
        Assert.InRange(clip.Samples.Length - expected.Length, 0, clip.Source.Container == AudioContainer.Wav ? 0 : 2048);
    }
}
