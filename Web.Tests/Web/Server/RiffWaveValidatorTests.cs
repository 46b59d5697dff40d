using System.Buffers.Binary;
using Clap2Diffusion.Server.Uploads;
using Clap2Diffusion.Tests.Web.Infrastructure;

namespace Clap2Diffusion.Tests.Web.Server;

public sealed class RiffWaveValidatorTests
{
    private readonly RiffWaveValidator _validator = new();

    [Fact]
    public void A_mono_16_bit_clip_is_described()
    {
        var facts = _validator.Inspect(Wav.Tone(0.75), 60);

        Assert.Equal(("wav", 48_000, 1), (facts.Extension, facts.SampleRate, facts.Channels));
        Assert.Equal(0.75, facts.DurationSeconds, 6);
    }

    [Fact]
    public void Other_bit_depths_are_refused_by_name()
    {
        var eightBit = Wav.Tone(0.1);
        BinaryPrimitives.WriteUInt16LittleEndian(eightBit.AsSpan(34), 8);

        var error = Assert.Throws<UploadRejectedException>(() => _validator.Inspect(eightBit, 60));
        Assert.Contains("this file is 8-bit PCM", error.Message);
    }

    [Fact]
    public void Chunks_before_the_samples_are_skipped_and_odd_sizes_padded()
    {
        var tone = Wav.Tone(0.1);
        var list = "LIST"u8.ToArray().Concat(BitConverter.GetBytes(3)).Concat("abc\0"u8.ToArray()).ToArray();
        var withList = tone[..36].Concat(list).Concat(tone[36..]).ToArray();

        Assert.Equal(0.1, _validator.Inspect(withList, 60).DurationSeconds, 6);
    }

    [Fact]
    public void Samples_before_the_format_are_refused()
    {
        var tone = Wav.Tone(0.1);
        var swapped = tone[..12].Concat(tone[36..]).Concat(tone[12..36]).ToArray();

        Assert.Contains("before its format", Assert.Throws<UploadRejectedException>(() => _validator.Inspect(swapped, 60)).Message);
    }

    [Fact]
    public void A_header_without_samples_is_refused()
    {
        var header = Wav.Tone(0.1)[..44];
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), 0);

        Assert.Contains("no samples", Assert.Throws<UploadRejectedException>(() => _validator.Inspect(header, 60)).Message);
    }
}
