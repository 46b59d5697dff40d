using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static Clap2Diffusion.Tests.Engine.Audio.ExternalAudioTools;

namespace Clap2Diffusion.Tests.Engine.Audio;

/// <summary>
/// MP3 (NLayer) and Ogg Vorbis (NVorbis) against ffmpeg's own decoders of the same files. Two float decoders
/// of one bitstream agree closely but not bit for bit, and ffmpeg trims the MP3 encoder delay that NLayer keeps,
/// so the clips are aligned by the lag that best matches them before comparing.
/// </summary>
public sealed class LossyDecoderTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder folder = new("audio-lossy");

    public void Dispose() => folder.Dispose();

    public static TheoryData<string, int, int, string[], AudioContainer> Cases => new()
    {
        { "mp3-44k-stereo-id3", 44100, 2, ["-c:a", "libmp3lame", "-b:a", "192k", "-metadata", "title=Test tone", "-id3v2_version", "3", "out.mp3"], AudioContainer.Mp3 },
        { "mp3-16k-mono-mpeg2", 16000, 1, ["-c:a", "libmp3lame", "-b:a", "64k", "out.mp3"], AudioContainer.Mp3 },
        { "mp3-8k-mono-mpeg25", 8000, 1, ["-c:a", "libmp3lame", "-b:a", "32k", "out.mp3"], AudioContainer.Mp3 },
        { "mp2-48k-stereo", 48000, 2, ["-c:a", "mp2", "-b:a", "256k", "out.mp2"], AudioContainer.Mp3 },
        { "vorbis-44k-stereo", 44100, 2, ["-c:a", "libvorbis", "-q:a", "6", "out.ogg"], AudioContainer.OggVorbis },
        { "vorbis-22k-mono", 22050, 1, ["-c:a", "libvorbis", "out.ogg"], AudioContainer.OggVorbis },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Lossy_files_decode_like_ffmpeg(string label, int rate, int channels, string[] ffmpegOutput, AudioContainer container)
    {
        var source = folder.File("source.wav");
        Sox(["-n", "-r", rate.ToString(), "-c", channels.ToString(), "-e", "floating-point", "-b", "32", source,
            "synth", "1", "sine", "300", "sine", "1200", "sine", "500", "sine", "2000", "sine", "150", "sine", "700", "gain", "-6"]);
        var path = folder.File(label + Path.GetExtension(ffmpegOutput[^1]));
        Ffmpeg(["-i", source, .. ffmpegOutput[..^1], path]);

        var clip = AudioDecoder.DecodeFile(path);
        var (reference, _, referenceRate) = FfmpegDecode(path);
        var expected = Downmix(reference, channels);

        Assert.Equal(container, clip.Source.Container);
        Assert.Equal(rate, clip.SampleRate);
        Assert.Equal(referenceRate, clip.SampleRate);
        Assert.Equal(channels, clip.Source.Channels);
        var (lag, maxError, rmsError) = Align(clip.Samples, expected, maxLag: 3000);
        output.WriteLine($"{label}: {clip.Samples.Length} samples vs ffmpeg {expected.Length}, lag {lag}, max |error| {maxError:G3}, rms {rmsError:G3}");
        Assert.InRange(clip.Samples.Length - lag, expected.Length - 2 * 1152, expected.Length + 2 * 1152);
        Assert.True(maxError < 1e-4, $"max error {maxError:G3}");
    }

    /// <summary>The lag (samples dropped from the start of <paramref name="actual"/>) that best matches, and the errors there.</summary>
    private static (int Lag, double MaxError, double RmsError) Align(float[] actual, float[] expected, int maxLag)
    {
        var compared = Math.Min(expected.Length, actual.Length - maxLag) - 2048;
        var best = (Lag: 0, Sum: double.MaxValue);
        for (var lag = 0; lag <= maxLag; lag++)
        {
            double sum = 0;
            for (var i = 1024; i < compared && sum < best.Sum; i += 7)
                sum += Math.Abs(actual[i + lag] - expected[i]);
            if (sum < best.Sum)
                best = (lag, sum);
        }
        double max = 0, squares = 0;
        for (var i = 1024; i < compared; i++)
        {
            var error = Math.Abs(actual[i + best.Lag] - expected[i]);
            max = Math.Max(max, error);
            squares += error * error;
        }
        return (best.Lag, max, Math.Sqrt(squares / (compared - 1024)));
    }
}
