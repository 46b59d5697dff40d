namespace Clap2Diffusion.Engine.Audio;

/// <summary>ID3v2 tags that some MP3 and FLAC writers put in front of the audio.</summary>
internal static class Id3v2
{
    /// <summary>The offset just past any ID3v2 tags at <paramref name="start"/>.</summary>
    public static int Skip(ReadOnlySpan<byte> data, int start = 0)
    {
        var at = start;
        while (at + 10 <= data.Length && data.Slice(at, 3).SequenceEqual("ID3"u8) &&
               data[at + 3] != 0xFF && data[at + 4] != 0xFF &&
               (data[at + 6] | data[at + 7] | data[at + 8] | data[at + 9]) < 0x80)
        {
            var size = data[at + 6] << 21 | data[at + 7] << 14 | data[at + 8] << 7 | data[at + 9];
            var hasFooter = (data[at + 5] & 0x10) != 0;
            var next = (long)at + 10 + size + (hasFooter ? 10 : 0);
            if (next > data.Length)
                return data.Length;
            at = (int)next;
        }
        return at;
    }
}
