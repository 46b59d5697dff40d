using System.Buffers.Binary;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Tests.Infrastructure;
using static Clap2Diffusion.Tests.Engine.Audio.ExternalAudioTools;

namespace Clap2Diffusion.Tests.Engine.Audio;

/// <summary>Format detection by content, the ffmpeg fallback, limits, truncation and silence.</summary>
public sealed class AudioDecoderBehaviourTests : IDisposable
{
    private static readonly AudioDecoderOptions WithoutFfmpeg = new() { FfmpegPath = "" };

    private readonly TempFolder folder = new("audio-behaviour");

    public void Dispose() => folder.Dispose();

    private string Tone(string name, int rate = 48000, int channels = 1, double seconds = 0.5, params string[] outputOptions)
    {
        var path = folder.File(name);
        Sox(["-n", "-r", rate.ToString(), "-c", channels.ToString(), .. outputOptions, path,
            "synth", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "sine", "440", "gain", "-6"]);
        return path;
    }

    [Fact]
    public void Opus_without_ffmpeg_gives_a_clear_error_naming_what_is_supported()
    {
        var opus = folder.File("clip.opus");
        Ffmpeg(["-i", Tone("source.wav"), "-c:a", "libopus", opus]);

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.DecodeFile(opus, WithoutFfmpeg));

        Assert.Contains("Ogg Opus audio needs ffmpeg, which is not installed", error.Message);
        Assert.Contains("FLAC, MP3 and mono/stereo Ogg Vorbis", error.Message);
        Assert.StartsWith("clip.opus: ", error.Message);
    }

    [Fact]
    public void Surround_vorbis_goes_to_ffmpeg_because_nvorbis_scrambles_it()
    {
        var ogg = folder.File("surround.ogg");
        Ffmpeg(["-i", Tone("source.wav", channels: 6), "-c:a", "libvorbis", ogg]);

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.DecodeFile(ogg, WithoutFfmpeg));
        var clip = AudioDecoder.DecodeFile(ogg);

        Assert.Contains("Ogg Vorbis (6 channels) audio needs ffmpeg", error.Message);
        Assert.Equal(AudioContainer.Ffmpeg, clip.Source.Container);
        Assert.Equal(6, clip.Source.Channels);
    }

    [Fact]
    public void Uploads_decode_like_files_including_through_ffmpeg()
    {
        var opus = folder.File("clip.opus");
        Ffmpeg(["-i", Tone("source.wav"), "-c:a", "libopus", opus]);
        var flac = folder.File("clip.flac");
        Sox([Tone("source2.wav"), flac]);

        foreach (var path in new[] { opus, flac })
        {
            using var upload = new MemoryStream(File.ReadAllBytes(path));
            Assert.Equal(AudioDecoder.DecodeFile(path).Samples, AudioDecoder.Decode(upload, "upload").Samples);
        }
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), "c2d-ffmpeg-input-*"));
    }

    [Fact]
    public void An_ffmpeg_run_past_its_time_limit_is_stopped()
    {
        var opus = folder.File("clip.opus");
        Ffmpeg(["-i", Tone("source.wav"), "-c:a", "libopus", opus]);
        var options = new AudioDecoderOptions { Limits = new AudioLimits { FfmpegTimeout = TimeSpan.FromMilliseconds(1) } };

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.DecodeFile(opus, options));

        Assert.Contains("ffmpeg did not finish decoding this Ogg Opus file within", error.Message);
    }

    [Fact]
    public void Ffmpeg_opens_only_audio_containers_so_a_playlist_reads_no_other_file()
    {
        // An HLS playlist naming an MPEG-TS segment beside it: with automatic detection ffmpeg follows it and decodes that
        // file (and could be sent to any file it can read). The server's decoder may open audio containers only.
        var segment = folder.File("secret.ts");
        Ffmpeg(["-i", Tone("secret.wav"), "-c:a", "aac", "-f", "mpegts", segment]);
        var playlist = folder.File("playlist.m3u8");
        File.WriteAllText(playlist, $"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:1,\n{segment}\n#EXT-X-ENDLIST\n");

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.DecodeFile(playlist));

        Assert.Contains("ffmpeg", error.Message);
    }

    [Fact]
    public void An_ffmpeg_that_cannot_be_started_is_an_input_error()
    {
        var opus = folder.File("clip.opus");
        Ffmpeg(["-i", Tone("source.wav"), "-c:a", "libopus", opus]);
        var options = new AudioDecoderOptions { FfmpegPath = folder.File("no-such-ffmpeg") };

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.DecodeFile(opus, options));

        Assert.Contains("needs ffmpeg, which could not be started", error.Message);
    }

    [Fact]
    public void Formats_are_chosen_by_content_not_by_name()
    {
        var flac = folder.File("really-flac.flac");
        Sox([Tone("source.wav"), flac]);
        var misnamed = folder.File("song.wav");
        File.Move(flac, misnamed);

        var clip = AudioDecoder.DecodeFile(misnamed, WithoutFfmpeg);

        Assert.Equal(AudioContainer.Flac, clip.Source.Container);
        Assert.Equal(24000, clip.Samples.Length);
    }

    [Fact]
    public void Tags_around_a_flac_stream_are_skipped()
    {
        var flac = folder.File("tagged.flac");
        Sox([Tone("source.wav"), flac]);
        var plain = File.ReadAllBytes(flac);
        byte[] id3v2 = [(byte)'I', (byte)'D', (byte)'3', 3, 0, 0, 0, 0, 0, 20, .. new byte[20]];
        var id3v1 = new byte[128];
        "TAG"u8.CopyTo(id3v1);

        var clip = AudioDecoder.Decode([.. id3v2, .. plain, .. id3v1], "tagged.flac", WithoutFfmpeg);

        Assert.Equal(AudioDecoder.Decode(plain, "plain.flac", WithoutFfmpeg).Samples, clip.Samples);
        Assert.False(clip.Source.Truncated);
    }

    [Theory]
    [InlineData("notes.mp3")]
    [InlineData("notes.wav")]
    public void A_renamed_text_file_is_refused_by_content(string name)
    {
        var path = folder.File(name);
        File.WriteAllText(path, "These are my notes about the sound of rain on a tin roof.\nNot audio at all. Ünïcödé too.\n");

        foreach (var options in new[] { WithoutFfmpeg, AudioDecoderOptions.Default })
        {
            var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.DecodeFile(path, options));
            Assert.Contains("text file, not audio", error.Message);
        }
    }

    [Fact]
    public void Unknown_binary_without_ffmpeg_lists_the_supported_formats()
    {
        var data = new byte[4096];
        new Random(5).NextBytes(data);
        data[0] = 0x00;

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(data, "blob.bin", WithoutFfmpeg));

        Assert.Contains("not a recognised audio format (supported: WAV", error.Message);
    }

    [Fact]
    public void Unknown_binary_with_ffmpeg_reports_ffmpegs_refusal()
    {
        var data = new byte[4096];
        new Random(6).NextBytes(data);
        data[0] = 0x00;

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(data, "blob.bin"));

        Assert.Contains("ffmpeg could not decode this unknown file", error.Message);
    }

    [Fact]
    public void Empty_input_is_refused()
    {
        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode([], "empty.wav"));
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Silence_is_valid_audio()
    {
        var path = folder.File("silence.wav");
        Sox(["-D", "-n", "-r", "16000", "-c", "2", "-b", "16", path, "trim", "0", "0.5"]);

        var clip = AudioDecoder.DecodeFile(path, WithoutFfmpeg);

        Assert.Equal(8000, clip.Samples.Length);
        Assert.All(clip.Samples, s => Assert.Equal(0f, s));
    }

    [Fact]
    public void A_wav_whose_data_chunk_is_cut_short_keeps_the_whole_frames_present_and_says_so()
    {
        var bytes = File.ReadAllBytes(Tone("full.wav", rate: 8000, channels: 2, outputOptions: ["-b", "16"]));
        var full = AudioDecoder.Decode(bytes, "full.wav", WithoutFfmpeg);
        var cut = bytes[..(bytes.Length - 1001)];

        var clip = AudioDecoder.Decode(cut, "cut.wav", WithoutFfmpeg);

        Assert.False(full.Source.Truncated);
        Assert.True(clip.Source.Truncated);
        Assert.Equal(full.Samples.Length - 251, clip.Samples.Length);
        Assert.Equal(full.Samples[..clip.Samples.Length], clip.Samples);
    }

    [Fact]
    public void A_flac_cut_inside_a_frame_keeps_the_frames_before_it_and_says_so()
    {
        var flac = folder.File("tone.flac");
        Sox([Tone("source.wav", seconds: 1), flac]);
        var bytes = File.ReadAllBytes(flac);

        var clip = AudioDecoder.Decode(bytes[..(bytes.Length * 2 / 3)], "cut.flac", WithoutFfmpeg);

        Assert.True(clip.Source.Truncated);
        Assert.InRange(clip.Samples.Length, 1, 47999);
        var full = AudioDecoder.Decode(bytes, "tone.flac", WithoutFfmpeg);
        Assert.Equal(full.Samples[..clip.Samples.Length], clip.Samples);
    }

    [Fact]
    public void Duration_limit_is_checked_from_the_header_before_decoding()
    {
        var path = Tone("long.wav", seconds: 3);
        var options = new AudioDecoderOptions { FfmpegPath = "", Limits = new AudioLimits { MaxDuration = TimeSpan.FromSeconds(2) } };

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.DecodeFile(path, options));

        Assert.Contains("the audio lasts 3 s, longer than the 2 s limit", error.Message);
    }

    [Fact]
    public void A_flac_header_announcing_hours_is_refused_before_any_frame_is_decoded()
    {
        var flac = folder.File("short.flac");
        Sox([Tone("source.wav"), flac]);
        var bytes = File.ReadAllBytes(flac);
        // STREAMINFO's 36-bit total sample count sits in bytes 21..25 of the file: claim 2^35 samples.
        bytes[21] = (byte)((bytes[21] & 0xF0) | 0x08);

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(bytes, "liar.flac", WithoutFfmpeg));

        Assert.Contains("longer than the 600 s limit", error.Message);
    }

    [Fact]
    public void Streams_of_unknown_length_are_stopped_at_the_duration_limit()
    {
        var mp3 = folder.File("long.mp3");
        Ffmpeg(["-i", Tone("source.wav", seconds: 3), "-c:a", "libmp3lame", mp3]);
        var options = new AudioDecoderOptions { FfmpegPath = "", Limits = new AudioLimits { MaxDuration = TimeSpan.FromSeconds(1) } };

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.DecodeFile(mp3, options));

        Assert.Contains("longer than the 1 s limit", error.Message);
    }

    [Fact]
    public void Ffmpeg_output_is_stopped_at_the_duration_limit()
    {
        var opus = folder.File("long.opus");
        Ffmpeg(["-i", Tone("source.wav", seconds: 3), "-c:a", "libopus", opus]);
        var options = new AudioDecoderOptions { Limits = new AudioLimits { MaxDuration = TimeSpan.FromSeconds(1) } };

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.DecodeFile(opus, options));

        Assert.Contains("longer than the 1 s limit", error.Message);
    }

    [Fact]
    public void Byte_limit_is_checked_before_reading()
    {
        var path = Tone("big.wav", seconds: 1);
        var options = new AudioDecoderOptions { Limits = new AudioLimits { MaxBytes = 10_000 } };

        Assert.Contains("larger than the", Assert.Throws<AudioFormatException>(() => AudioDecoder.DecodeFile(path, options)).Message);
        using var stream = File.OpenRead(path);
        Assert.Contains("larger than the", Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(stream, "upload", options)).Message);
    }

    [Fact]
    public void Clips_shorter_than_the_minimum_are_refused()
    {
        var path = Tone("blip.wav", seconds: 0.005);

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.DecodeFile(path, WithoutFfmpeg));

        Assert.Contains("shorter than the 0.01 s minimum", error.Message);
    }

    [Fact]
    public void Sample_rates_and_channel_counts_outside_the_limits_are_refused()
    {
        var wav = File.ReadAllBytes(Tone("tone.wav", rate: 8000));
        var tooMany = wav.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(tooMany.AsSpan(22), 40);
        BinaryPrimitives.WriteUInt16LittleEndian(tooMany.AsSpan(32), 80);
        var tooFast = wav.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(tooFast.AsSpan(24), 2_000_000);

        Assert.Contains("40 channels", Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(tooMany, "a.wav", WithoutFfmpeg)).Message);
        Assert.Contains("sample rate 2000000 Hz", Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(tooFast, "b.wav", WithoutFfmpeg)).Message);
    }

    [Fact]
    public void Nan_float_samples_are_refused()
    {
        var bytes = WavWriter.Encode([0.1f, float.NaN, 0.2f], 8000, 1, WavSampleFormat.Float32);

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(bytes, "nan.wav", WithoutFfmpeg));

        Assert.Contains("NaN", error.Message);
    }

    [Fact]
    public void Audio_errors_are_input_errors()
    {
        Assert.IsAssignableFrom<InputException>(new AudioFormatException("x", "y"));
    }
}
