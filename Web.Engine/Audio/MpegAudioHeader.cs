namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// The 4-byte header of an MPEG-1/2/2.5 audio frame (layers I to III), used to recognise MP3 by content:
/// a valid header followed by another where the first frame's length says it should be.
/// </summary>
internal readonly record struct MpegAudioHeader(int Version, int Layer, int BitrateKbps, int SampleRate, bool Padding)
{
    private static readonly int[][] Bitrates =
    [
        [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448], // MPEG-1 layer I
        [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384], // MPEG-1 layer II
        [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320], // MPEG-1 layer III
        [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256], // MPEG-2/2.5 layer I
        [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160], // MPEG-2/2.5 layers II and III
    ];

    private static readonly int[] Mpeg1Rates = [44100, 48000, 32000];

    /// <summary>Version 1 = MPEG-1, 2 = MPEG-2, 25 = MPEG-2.5.</summary>
    public int FrameLength => Layer == 1
        ? (12 * BitrateKbps * 1000 / SampleRate + (Padding ? 1 : 0)) * 4
        : (Layer == 3 && Version != 1 ? 72 : 144) * BitrateKbps * 1000 / SampleRate + (Padding ? 1 : 0);

    public static bool TryRead(ReadOnlySpan<byte> b, out MpegAudioHeader header)
    {
        header = default;
        if (b.Length < 4 || b[0] != 0xFF || (b[1] & 0xE0) != 0xE0)
            return false;
        var versionBits = (b[1] >> 3) & 3;
        var layerBits = (b[1] >> 1) & 3;
        var bitrateIndex = b[2] >> 4;
        var rateIndex = (b[2] >> 2) & 3;
        // Layer bits 00 are reserved (and mark ADTS AAC); free-format bitrate 0 has no length to check.
        if (versionBits == 1 || layerBits == 0 || bitrateIndex is 0 or 15 || rateIndex == 3)
            return false;
        var version = versionBits switch { 3 => 1, 2 => 2, _ => 25 };
        var layer = 4 - layerBits;
        var table = version == 1 ? layer - 1 : layer == 1 ? 3 : 4;
        var rate = Mpeg1Rates[rateIndex] / (version == 1 ? 1 : version == 2 ? 2 : 4);
        header = new MpegAudioHeader(version, layer, Bitrates[table][bitrateIndex], rate, (b[2] & 2) != 0);
        return true;
    }

    /// <summary>Where the first of two consecutive frames starts within the first <paramref name="window"/> bytes, or -1.</summary>
    public static int FindStream(ReadOnlySpan<byte> data, int start, int window)
    {
        var last = Math.Min(data.Length - 4, start + window);
        for (var at = start; at <= last; at++)
        {
            if (!TryRead(data[at..], out var first))
                continue;
            var next = at + first.FrameLength;
            if (next == data.Length)
                return at;
            if (next + 4 <= data.Length && TryRead(data[next..], out var second) &&
                second.Version == first.Version && second.Layer == first.Layer && second.SampleRate == first.SampleRate)
                return at;
        }
        return -1;
    }
}
