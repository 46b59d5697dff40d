using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static Clap2Diffusion.Tests.Engine.Audio.ExternalAudioTools;

namespace Clap2Diffusion.Tests.Engine.Audio;

/// <summary>
/// Files made at test time by sox, ffmpeg and flac in every supported format and sample coding, decoded here and
/// compared with ffmpeg's decode of the same file (channels averaged the same way).
/// </summary>
public sealed class AudioDecoderFormatTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder folder = new("audio-formats");

    public void Dispose() => folder.Dispose();

    /// <summary>A float32 WAV of distinct tones per channel, as sox synthesises it.</summary>
    private string Source(int rate, int channels, double seconds = 0.3)
    {
        var path = folder.File($"source-{rate}-{channels}.wav");
        if (!File.Exists(path))
            Sox(["-n", "-r", rate.ToString(), "-c", channels.ToString(), "-e", "floating-point", "-b", "32", path,
                "synth", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "sine", "300", "sine", "1200", "sine", "500", "sine", "2000", "sine", "150", "sine", "4000", "gain", "-3"]);
        return path;
    }

    public static TheoryData<string, int, int, string[]> LosslessBySox => new()
    {
        { "wav-u8-mono", 8000, 1, ["-e", "unsigned", "-b", "8", "out.wav"] },
        { "wav-s16-stereo", 44100, 2, ["-e", "signed", "-b", "16", "out.wav"] },
        { "wav-s24-mono", 22050, 1, ["-e", "signed", "-b", "24", "out.wav"] },
        { "wav-s32-stereo", 48000, 2, ["-e", "signed", "-b", "32", "out.wav"] },
        { "wav-f32-mono", 16000, 1, ["-e", "floating-point", "-b", "32", "out.wav"] },
        { "wav-f64-stereo", 11025, 2, ["-e", "floating-point", "-b", "64", "out.wav"] },
        { "wav-alaw-mono", 8000, 1, ["-e", "a-law", "out.wav"] },
        { "wav-ulaw-stereo", 8000, 2, ["-e", "u-law", "out.wav"] },
        { "wav-extensible-s24-5.1", 48000, 6, ["-e", "signed", "-b", "24", "out.wav"] },
        { "wav-extensible-f32-5.1", 96000, 6, ["-e", "floating-point", "-b", "32", "out.wav"] },
        { "flac-sox-s16-stereo", 44100, 2, ["-b", "16", "-C", "8", "out.flac"] },
        { "flac-sox-s8-mono", 8000, 1, ["-b", "8", "out.flac"] },
        { "flac-sox-s24-5.1", 48000, 6, ["-b", "24", "-C", "5", "out.flac"] },
        { "flac-sox-s24-fast", 22050, 2, ["-b", "24", "-C", "0", "out.flac"] },
    };

    [Theory]
    [MemberData(nameof(LosslessBySox))]
    public void Lossless_files_from_sox_decode_exactly_like_ffmpeg(string label, int rate, int channels, string[] soxOutput)
    {
        var path = folder.File(label + Path.GetExtension(soxOutput[^1]));
        Sox([Source(rate, channels), .. soxOutput[..^1], path]);
        AssertMatchesFfmpeg(path, rate, channels, tolerance: 0);
    }

    public static TheoryData<string, int, int, string> BigEndianRifx => new()
    {
        { "wav-rifx-s16-stereo", 32000, 2, "16" },
        { "wav-rifx-s24-mono", 44100, 1, "24" },
        { "wav-rifx-s32-5.1", 48000, 6, "32" },
    };

    /// <summary>ffmpeg 5.1 reads RIFX 16-bit byte-swapped and not 24-bit at all, so sox's own decode is the reference.</summary>
    [Theory]
    [MemberData(nameof(BigEndianRifx))]
    public void Big_endian_rifx_decodes_like_sox(string label, int rate, int channels, string bits)
    {
        var path = folder.File(label + ".wav");
        Sox([Source(rate, channels), "-B", "-e", "signed", "-b", bits, path]);
        var reference = folder.File(label + "-reference.wav");
        Sox([path, "-L", "-e", "floating-point", "-b", "32", reference]);
        AssertMatches(path, reference, rate, channels);
    }

    public static TheoryData<string, int, int, string[]> LosslessByFfmpeg => new()
    {
        { "wav-ffmpeg-extensible-s32-5.1", 44100, 6, ["-c:a", "pcm_s32le", "out.wav"] },
        { "wav-ffmpeg-rf64-s16-stereo", 48000, 2, ["-c:a", "pcm_s16le", "-rf64", "always", "out.wav"] },
        { "wav-ffmpeg-f64-mono", 24000, 1, ["-c:a", "pcm_f64le", "out.wav"] },
        { "flac-ffmpeg-left-side", 44100, 2, ["-c:a", "flac", "-sample_fmt", "s16", "-ch_mode", "1", "out.flac"] },
        { "flac-ffmpeg-right-side", 44100, 2, ["-c:a", "flac", "-sample_fmt", "s16", "-ch_mode", "2", "out.flac"] },
        { "flac-ffmpeg-mid-side", 44100, 2, ["-c:a", "flac", "-sample_fmt", "s16", "-ch_mode", "3", "out.flac"] },
        { "flac-ffmpeg-independent", 44100, 2, ["-c:a", "flac", "-sample_fmt", "s16", "-ch_mode", "0", "out.flac"] },
        { "flac-ffmpeg-fixed-only", 48000, 2, ["-c:a", "flac", "-sample_fmt", "s16", "-lpc_type", "0", "out.flac"] },
        { "flac-ffmpeg-s24-lpc32", 48000, 2, ["-c:a", "flac", "-sample_fmt", "s32", "-bits_per_raw_sample", "24", "-strict", "-2",
            "-min_prediction_order", "32", "-max_prediction_order", "32", "out.flac"] },
        { "flac-ffmpeg-blocksize-192", 44100, 1, ["-c:a", "flac", "-sample_fmt", "s16", "-frame_size", "192", "out.flac"] },
        { "flac-ffmpeg-blocksize-16384", 44100, 2, ["-c:a", "flac", "-sample_fmt", "s16", "-frame_size", "16384", "-max_partition_order", "8",
            "-exact_rice_parameters", "1", "out.flac"] },
        { "wav-ffmpeg-adpcm-ms", 22050, 2, ["-c:a", "adpcm_ms", "out.wav"] },
        { "opus-ogg", 48000, 2, ["-c:a", "libopus", "-b:a", "64k", "out.opus"] },
        { "opus-webm", 48000, 1, ["-c:a", "libopus", "out.webm"] },
        { "aac-m4a", 44100, 2, ["-c:a", "aac", "-b:a", "128k", "out.m4a"] },
        { "aac-adts", 44100, 1, ["-c:a", "aac", "-f", "adts", "out.aac"] },
        { "aiff-s16", 44100, 2, ["-c:a", "pcm_s16be", "out.aiff"] },
        { "ogg-flac", 44100, 2, ["-c:a", "flac", "-f", "ogg", "out.oga"] },
        { "vorbis-surround-5.1", 48000, 6, ["-c:a", "libvorbis", "out.ogg"] },
    };

    [Theory]
    [MemberData(nameof(LosslessByFfmpeg))]
    public void Files_from_ffmpeg_decode_exactly_like_ffmpeg(string label, int rate, int channels, string[] ffmpegOutput)
    {
        var path = folder.File(label + Path.GetExtension(ffmpegOutput[^1]));
        Ffmpeg(["-i", Source(rate, channels), .. ffmpegOutput[..^1], path]);
        AssertMatchesFfmpeg(path, rate, channels, tolerance: 0);
    }

    public static TheoryData<string, string[]> FlacByReferenceEncoder => new()
    {
        { "flac-cli-s16-level0", ["-0"] },
        { "flac-cli-s16-level8", ["-8"] },
        { "flac-cli-blocksize-4608", ["-8", "--blocksize=4608"] },
        { "flac-cli-lax-lpc32-blocksize-16384", ["--lax", "-8", "-l", "32", "--blocksize=16384"] },
        { "flac-cli-s32", ["-5"] },
        { "flac-cli-wasted-bits", ["-5"] },
    };

    [Theory]
    [MemberData(nameof(FlacByReferenceEncoder))]
    public void Flac_from_the_reference_encoder_decodes_exactly(string label, string[] options)
    {
        var wav = folder.File(label + ".wav");
        var bits = label.Contains("s32") ? "32" : label.Contains("wasted") ? "8" : "16";
        Sox([Source(44100, 2), "-e", bits == "8" ? "unsigned" : "signed", "-b", bits, wav]);
        if (bits == "8")
        {
            // 8-bit samples in a 16-bit stream: every sample has eight wasted low bits.
            var widened = folder.File(label + "-16.wav");
            Sox([wav, "-b", "16", widened]);
            wav = widened;
        }
        var path = folder.File(label + ".flac");
        Flac([.. options, "-o", path, wav]);
        // ffmpeg 5.1 does not decode 32-bit FLAC; the reference decoder's own output is the reference.
        var reference = folder.File(label + "-decoded.wav");
        Flac(["--decode", "-o", reference, path]);
        AssertMatches(path, reference, 44100, 2);
    }

    private void AssertMatchesFfmpeg(string path, int rate, int channels, double tolerance) =>
        AssertMatches(path, path, rate, channels, tolerance);

    /// <summary>Decodes <paramref name="path"/> here and <paramref name="referencePath"/> (the same audio) with ffmpeg.</summary>
    private void AssertMatches(string path, string referencePath, int rate, int channels, double tolerance = 0)
    {
        var clip = AudioDecoder.DecodeFile(path);
        var (reference, referenceChannels, referenceRate) = FfmpegDecode(referencePath);
        Assert.Equal(channels, referenceChannels);
        Assert.Equal(rate, clip.SampleRate);
        Assert.Equal(referenceRate, clip.SampleRate);
        Assert.Equal(channels, clip.Source.Channels);
        Assert.False(clip.Source.Truncated);
        var expected = Downmix(reference, channels);
        Assert.Equal(expected.Length, clip.Samples.Length);
        var maxError = expected.Select((e, i) => Math.Abs(e - clip.Samples[i])).DefaultIfEmpty(0).Max();
        output.WriteLine($"{Path.GetFileName(path)}: {clip.Source} {clip.Samples.Length} samples, max |error| vs reference {maxError:G3}");
        Assert.True(maxError <= tolerance, $"max error {maxError:G3} > {tolerance:G3}");
    }
}
