namespace Clap2Diffusion.Engine.Audio;

/// <summary>How the samples of a WAV data chunk are coded.</summary>
internal enum WavEncoding
{
    /// <summary>Integer PCM: 8-bit unsigned, 16/24/32-bit signed.</summary>
    Pcm,
    Float,
    ALaw,
    MuLaw,
    /// <summary>A codec this reader does not decode (ADPCM, MP3 in WAV ...): ffmpeg's job.</summary>
    Other,
}

/// <summary>The <c>fmt </c> chunk, reduced to what decoding needs.</summary>
internal sealed record WavFormat(WavEncoding Encoding, int FormatTag, int Channels, int SampleRate, int BlockAlign, int BitsPerSample)
{
    public int BytesPerSample => BlockAlign / Channels;

    public string Codec => Encoding switch
    {
        WavEncoding.Pcm => BytesPerSample == 1 ? "pcm_u8" : $"pcm_s{BytesPerSample * 8}",
        WavEncoding.Float => $"pcm_f{BytesPerSample * 8}",
        WavEncoding.ALaw => "pcm_alaw",
        WavEncoding.MuLaw => "pcm_mulaw",
        _ => $"wav_format_0x{FormatTag:x4}",
    };
}

/// <summary>Where the samples are in a WAV byte stream and how they are coded.</summary>
/// <param name="DataLength">Bytes of sample data present (whole frames), or -1 when the writer did not know
/// the length (streamed output, e.g. ffmpeg writing to a pipe) and the data runs to the end.</param>
internal sealed record WavLayout(WavFormat Format, bool BigEndian, long DataOffset, long DataLength, bool Truncated);
