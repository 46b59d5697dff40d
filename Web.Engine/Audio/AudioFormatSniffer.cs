using System.Text.Unicode;

namespace Clap2Diffusion.Engine.Audio;

/// <summary>What the first bytes of a file say it is.</summary>
internal enum SniffedKind
{
    Wav,
    Flac,
    Mp3,
    OggVorbis,
    /// <summary>A format ffmpeg decodes and the managed decoders do not.</summary>
    ForFfmpeg,
    Text,
    Unknown,
}

/// <param name="Offset">Where the managed decoder starts (past ID3v2 tags).</param>
/// <param name="Description">A name for messages ("Ogg Opus", "MP4/M4A" ...).</param>
internal readonly record struct SniffedFormat(SniffedKind Kind, int Offset, string Description);

/// <summary>Recognises audio formats by their content (magic bytes), never by file name.</summary>
internal static class AudioFormatSniffer
{
    private const int MpegSearchWindow = 4096;

    public static SniffedFormat Sniff(ReadOnlySpan<byte> data)
    {
        if (WavReader.IsWav(data))
            return new SniffedFormat(SniffedKind.Wav, 0, "WAV");
        var afterTags = Id3v2.Skip(data);
        if (Flac.FlacDecoder.IsFlac(data[afterTags..]))
            return new SniffedFormat(SniffedKind.Flac, afterTags, "FLAC");
        if (data.Length >= 28 && data[..4].SequenceEqual("OggS"u8))
            return SniffOgg(data);
        if (IsAdts(data[afterTags..]))
            return new SniffedFormat(SniffedKind.ForFfmpeg, 0, "AAC (ADTS)");
        var mpeg = MpegAudioHeader.FindStream(data, afterTags, afterTags > 0 ? MpegSearchWindow : 0);
        if (mpeg >= 0)
            return new SniffedFormat(SniffedKind.Mp3, mpeg, "MP3");
        var container = ContainerName(data);
        if (container is not null)
            return new SniffedFormat(SniffedKind.ForFfmpeg, 0, container);
        if (LooksLikeText(data))
            return new SniffedFormat(SniffedKind.Text, 0, "text");
        return new SniffedFormat(SniffedKind.Unknown, 0, "unknown");
    }

    private static SniffedFormat SniffOgg(ReadOnlySpan<byte> data)
    {
        var segments = data[26];
        var packet = data[Math.Min(data.Length, 27 + segments)..];
        if (packet.Length >= 12 && packet[0] == 1 && packet[1..7].SequenceEqual("vorbis"u8))
        {
            // NVorbis 0.10.5 scrambles surround streams from the reference encoder (its multi-submap
            // channel mappings), so only mono and stereo stay in-process.
            return packet[11] <= 2
                ? new SniffedFormat(SniffedKind.OggVorbis, 0, "Ogg Vorbis")
                : new SniffedFormat(SniffedKind.ForFfmpeg, 0, $"Ogg Vorbis ({packet[11]} channels)");
        }
        if (packet.Length >= 8 && packet[..8].SequenceEqual("OpusHead"u8))
            return new SniffedFormat(SniffedKind.ForFfmpeg, 0, "Ogg Opus");
        if (packet.Length >= 5 && packet[0] == 0x7F && packet[1..5].SequenceEqual("FLAC"u8))
            return new SniffedFormat(SniffedKind.ForFfmpeg, 0, "Ogg FLAC");
        if (packet.Length >= 8 && packet[..8].SequenceEqual("Speex   "u8))
            return new SniffedFormat(SniffedKind.ForFfmpeg, 0, "Ogg Speex");
        return new SniffedFormat(SniffedKind.ForFfmpeg, 0, "Ogg");
    }

    private static bool IsAdts(ReadOnlySpan<byte> b) =>
        b.Length >= 7 && b[0] == 0xFF && (b[1] & 0xF6) == 0xF0 && ((b[2] >> 2) & 0xF) < 13;

    private static string? ContainerName(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 12 && b[4..8].SequenceEqual("ftyp"u8))
            return "MP4/M4A";
        if (b.Length >= 4 && b[..4].SequenceEqual((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
            return "WebM/Matroska";
        if (b.Length >= 12 && b[..4].SequenceEqual("FORM"u8) && (b[8..12].SequenceEqual("AIFF"u8) || b[8..12].SequenceEqual("AIFC"u8)))
            return "AIFF";
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("AVI "u8))
            return "AVI";
        if (b.Length >= 4 && b[..4].SequenceEqual("caff"u8))
            return "CAF";
        if (b.Length >= 4 && b[..4].SequenceEqual("wvpk"u8))
            return "WavPack";
        if (b.Length >= 4 && b[..4].SequenceEqual("MAC "u8))
            return "Monkey's Audio";
        if (b.Length >= 5 && b[..5].SequenceEqual("#!AMR"u8))
            return "AMR";
        if (b.Length >= 4 && b[..4].SequenceEqual(".snd"u8))
            return "Sun AU";
        if (b.Length >= 8 && b[..8].SequenceEqual((ReadOnlySpan<byte>)[0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11]))
            return "ASF/WMA";
        return null;
    }

    /// <summary>Valid UTF-8 without control characters other than tab and line breaks, in the first 4 KB.</summary>
    private static bool LooksLikeText(ReadOnlySpan<byte> data)
    {
        var head = data[..Math.Min(data.Length, 4096)];
        if (head.IsEmpty)
            return false;
        foreach (var b in head)
            if (b < 0x20 && b is not (0x09 or 0x0A or 0x0D or 0x0C))
                return false;
        // A multi-byte character cut at the 4 KB boundary is still text.
        for (var trim = 0; trim < 4 && trim < head.Length; trim++)
            if (Utf8.IsValid(head[..^trim]))
                return true;
        return false;
    }
}
