using System.Buffers.Binary;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Tests.Infrastructure;
using static Clap2Diffusion.Tests.Engine.Audio.ExternalAudioTools;

namespace Clap2Diffusion.Tests.Engine.Audio;

public sealed class WavWriterTests : IDisposable
{
    private readonly TempFolder folder = new("wav-writer");

    public void Dispose() => folder.Dispose();

    private static float[] Samples(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2.2 - 1.1)).ToArray();
    }

    [Fact]
    public void Mono_16_bit_at_48_khz_has_the_canonical_header_and_is_byte_identical_for_the_same_input()
    {
        var samples = Samples(4800, 1);
        var first = folder.File("a.wav");
        var second = folder.File("b.wav");

        WavWriter.Write(first, AudioClip.FromSamples(samples, 48000));
        WavWriter.Write(second, samples, 48000);

        var bytes = File.ReadAllBytes(first);
        Assert.Equal(bytes, File.ReadAllBytes(second));
        Assert.Equal(44 + 2 * 4800, bytes.Length);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal((uint)(bytes.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal("WAVEfmt ", System.Text.Encoding.ASCII.GetString(bytes, 8, 8));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(20)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(22)));
        Assert.Equal(48000u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(24)));
        Assert.Equal(96000u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(28)));
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(34)));
        Assert.Equal("data", System.Text.Encoding.ASCII.GetString(bytes, 36, 4));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
    }

    [Fact]
    public void Pcm16_rounds_to_nearest_and_clips()
    {
        var bytes = WavWriter.Encode([0f, 1f, -1f, 1.5f, -1.5f, 0.5f / 32768, -0.5f / 32768, 100.4f / 32768, float.NaN], 8000);

        var values = Enumerable.Range(0, 9).Select(i => BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(44 + 2 * i))).ToArray();

        Assert.Equal(new short[] { 0, 32767, -32768, 32767, -32768, 1, -1, 100, 0 }, values);
    }

    [Theory]
    [InlineData(1, WavSampleFormat.Pcm16)]
    [InlineData(2, WavSampleFormat.Pcm16)]
    [InlineData(1, WavSampleFormat.Float32)]
    [InlineData(2, WavSampleFormat.Float32)]
    public void Written_files_read_back_the_same_here_and_in_ffmpeg(int channels, WavSampleFormat format)
    {
        var samples = Samples(2 * 3000, 2).Select(s => s * 0.9f).ToArray();
        var path = folder.File($"out-{channels}-{format}.wav");

        WavWriter.Write(path, samples, 44100, channels, format);

        var clip = AudioDecoder.DecodeFile(path, new AudioDecoderOptions { FfmpegPath = "" });
        var (reference, referenceChannels, rate) = FfmpegDecode(path);
        Assert.Equal(channels, referenceChannels);
        Assert.Equal(44100, rate);
        Assert.Equal(Downmix(reference, channels), clip.Samples);
        var step = format == WavSampleFormat.Pcm16 ? 0.5f / 32768 : 0f;
        for (var i = 0; i < samples.Length; i++)
            Assert.InRange(reference[i], samples[i] - step, samples[i] + step);
    }

    [Fact]
    public void Writing_replaces_an_existing_file_whole()
    {
        var path = folder.File("replace.wav");
        File.WriteAllText(path, "old contents that are longer than nothing");

        WavWriter.Write(path, new float[10], 16000);

        Assert.Equal(64, new FileInfo(path).Length);
    }

    [Fact]
    public void Partial_frames_are_refused()
    {
        Assert.Throws<ArgumentException>(() => WavWriter.Encode(new float[5], 48000, channels: 2));
    }
}
