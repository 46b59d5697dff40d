using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Tests.Infrastructure;
using static Clap2Diffusion.Tests.Engine.Audio.ExternalAudioTools;

namespace Clap2Diffusion.Tests.Engine.Audio;

/// <summary>Ogg files reach NVorbis only as whole pages with good checksums.</summary>
public sealed class OggPageTests : IDisposable
{
    private static readonly AudioDecoderOptions InProcess = new() { FfmpegPath = "" };

    private readonly TempFolder folder = new("audio-ogg");

    public void Dispose() => folder.Dispose();

    private byte[] Vorbis()
    {
        var source = folder.File("source.wav");
        Sox(["-n", "-r", "44100", "-c", "2", "-e", "floating-point", "-b", "32", source, "synth", "1", "sine", "440", "gain", "-6"]);
        var path = folder.File("tone.ogg");
        Ffmpeg(["-i", source, "-c:a", "libvorbis", "-page_duration", "50000", path]);
        return File.ReadAllBytes(path);
    }

    // The second page starts after the first page's header, its one segment count and the identification packet.
    private static int SecondPage(byte[] ogg) => 27 + ogg[26] + ogg[27];

    [Theory]
    [InlineData(100)]
    [InlineData(102)]
    [InlineData(103)]
    public async Task A_damaged_segment_count_is_refused_at_its_page_instead_of_hanging_the_decoder(int segments)
    {
        var ogg = Vorbis();
        var page = SecondPage(ogg);
        Assert.Equal("OggS"u8.ToArray(), ogg[page..(page + 4)]);
        ogg[page + 26] = (byte)segments;

        var decoding = Task.Run(() => AudioDecoder.Decode(ogg, "tone.ogg", InProcess));
        var error = await Assert.ThrowsAsync<AudioFormatException>(() => decoding.WaitAsync(TimeSpan.FromSeconds(30)));

        // Where the damaged page claims more bytes than the file has, it counts as a cut last page and the one page
        // before it is too little to decode; where it fits, its checksum fails. Either way: corrupt, and quickly.
        Assert.Contains("corrupt Ogg", error.Message);
    }

    [Fact]
    public void A_changed_byte_inside_a_page_fails_that_pages_checksum()
    {
        var ogg = Vorbis();
        var page = SecondPage(ogg);
        ogg[page + 40] ^= 0x10;

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(ogg, "tone.ogg", InProcess));

        Assert.Contains($"the page at byte {page} fails its checksum", error.Message);
    }

    [Fact]
    public void A_file_cut_inside_its_last_page_decodes_the_pages_before_it()
    {
        var ogg = Vorbis();
        var whole = AudioDecoder.Decode(ogg, "tone.ogg", InProcess);

        var cut = AudioDecoder.Decode(ogg[..(ogg.Length - 100)], "tone.ogg", InProcess);

        Assert.InRange(cut.Samples.Length, 1, whole.Samples.Length - 1);
    }

    [Fact]
    public void Data_without_one_whole_page_is_refused()
    {
        var ogg = Vorbis();

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(ogg[..40], "tone.ogg", InProcess));

        Assert.Contains("not one complete page", error.Message);
    }
}
