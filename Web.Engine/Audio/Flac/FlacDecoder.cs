namespace Clap2Diffusion.Engine.Audio.Flac;

/// <summary>
/// A FLAC decoder written from the format specification (RFC 9639): STREAMINFO, then frames of CONSTANT,
/// VERBATIM, FIXED and LPC subframes with Rice-coded residuals (both parameter widths, escape codes),
/// wasted bits, the three stereo decorrelation modes, 4 to 32 bits per sample, and CRC-8/CRC-16 checks.
/// A bad CRC or an impossible code is an error; a file that ends inside a frame keeps the frames before it
/// and is marked truncated, as is one that ends before STREAMINFO's sample count.
/// </summary>
internal static class FlacDecoder
{
    private const int SyncCode = 0x3FFE;

    public static bool IsFlac(ReadOnlySpan<byte> data) => data.Length >= 4 && data[..4].SequenceEqual("fLaC"u8);

    public static AudioClip Decode(byte[] data, int start, string origin, AudioLimits limits)
    {
        var reader = new FlacBitReader(data, start, data.Length);
        FlacStreamInfo info;
        try
        {
            info = ReadMetadata(reader, origin);
        }
        catch (FlacEndOfDataException)
        {
            throw new AudioFormatException(origin, "the FLAC file ends inside its metadata (truncated?)");
        }
        if (info.BitsPerSample < 4)
            throw new AudioFormatException(origin, $"FLAC STREAMINFO says {info.BitsPerSample} bits per sample (4 to 32 are valid)");
        if (info.SampleRate == 0)
            throw new AudioFormatException(origin, "FLAC STREAMINFO says the sample rate is 0 Hz");
        limits.CheckFormat(origin, info.SampleRate, info.Channels);
        limits.CheckFrameCount(origin, info.TotalSamples, info.SampleRate);

        var buffer = new MonoBuffer(origin, limits, info.SampleRate, info.Channels, info.TotalSamples);
        var truncated = DecodeFrames(data, reader, info, buffer, origin);
        if (info.TotalSamples > 0 && buffer.Count < info.TotalSamples)
            truncated = true;
        limits.CheckDecoded(origin, buffer.Count, info.SampleRate);
        return new AudioClip(buffer.ToArray(), info.SampleRate,
            new AudioSourceInfo(AudioContainer.Flac, "flac", info.SampleRate, info.Channels, info.BitsPerSample, truncated));
    }

    private static FlacStreamInfo ReadMetadata(FlacBitReader reader, string origin)
    {
        if (reader.ReadBits(32) != 0x664C6143)
            throw new AudioFormatException(origin, "not a FLAC stream");
        FlacStreamInfo? info = null;
        var last = false;
        while (!last)
        {
            last = reader.ReadBits(1) == 1;
            var type = (int)reader.ReadBits(7);
            var length = (int)reader.ReadBits(24);
            if (type == 127)
                throw new AudioFormatException(origin, "FLAC metadata block of the invalid type 127");
            if (length > reader.BitsLeft / 8)
                throw new FlacEndOfDataException();
            var next = reader.BytePosition + length;
            if (type == 0)
            {
                if (info is not null)
                    throw new AudioFormatException(origin, "FLAC file has two STREAMINFO blocks");
                if (length < FlacStreamInfo.Length)
                    throw new AudioFormatException(origin, $"FLAC STREAMINFO block is {length} bytes, not {FlacStreamInfo.Length}");
                info = FlacStreamInfo.Read(reader);
            }
            else if (info is null)
                throw new AudioFormatException(origin, "FLAC file does not start with STREAMINFO");
            reader.SeekToByte(next);
        }
        return info ?? throw new AudioFormatException(origin, "FLAC file has no STREAMINFO block");
    }

    /// <summary>Decodes frames until the stream ends; returns whether it ended inside a frame.</summary>
    private static bool DecodeFrames(byte[] data, FlacBitReader reader, FlacStreamInfo info, MonoBuffer buffer, string origin)
    {
        var channels = new long[info.Channels][];
        var interleaved = Array.Empty<float>();
        var scale = 1.0 / (1L << (info.BitsPerSample - 1));
        while (info.TotalSamples == 0 || buffer.Count < info.TotalSamples)
        {
            var frameStart = reader.BytePosition;
            if (reader.BitsLeft == 0)
                return false;
            if (reader.BitsLeft < 16 || !StartsWithSync(data, frameStart))
            {
                // Trailing bytes after the last frame (an ID3v1 or APE tag) are ignored; a gap before the
                // announced end is corruption.
                if (info.TotalSamples > 0)
                    throw new AudioFormatException(origin, $"corrupt FLAC stream: no frame where one should start (byte {frameStart})");
                return false;
            }
            try
            {
                var header = ReadFrameHeader(data, reader, info, origin);
                for (var c = 0; c < header.Channels; c++)
                {
                    if (channels[c] is null || channels[c].Length < header.BlockSize)
                        channels[c] = new long[header.BlockSize];
                    ReadSubframe(reader, channels[c].AsSpan(0, header.BlockSize), header.BitsPerSample + SideExtraBit(header.ChannelAssignment, c), origin);
                }
                reader.AlignToByte();
                var computed = FlacCrc.Crc16(data.AsSpan(frameStart, reader.BytePosition - frameStart));
                if (reader.ReadBits(16) != computed)
                    throw new AudioFormatException(origin, $"corrupt FLAC frame at byte {frameStart} (CRC-16 mismatch)");
                Decorrelate(channels, header);

                var frames = header.BlockSize;
                if (info.TotalSamples > 0)
                    frames = (int)Math.Min(frames, info.TotalSamples - buffer.Count);
                if (interleaved.Length < frames * header.Channels)
                    interleaved = new float[frames * header.Channels];
                for (var i = 0; i < frames; i++)
                    for (var c = 0; c < header.Channels; c++)
                        interleaved[i * header.Channels + c] = (float)(channels[c][i] * scale);
                buffer.AddInterleaved(interleaved.AsSpan(0, frames * header.Channels));
            }
            catch (FlacEndOfDataException)
            {
                return true;
            }
        }
        return false;
    }

    private static bool StartsWithSync(byte[] data, int at) =>
        at + 1 < data.Length && data[at] == 0xFF && (data[at + 1] & 0xFE) == 0xF8;

    private static FlacFrameHeader ReadFrameHeader(byte[] data, FlacBitReader reader, FlacStreamInfo info, string origin)
    {
        var start = reader.BytePosition;
        string Corrupt(string what) => $"corrupt FLAC frame header at byte {start}: {what}";

        if (reader.ReadBits(14) != SyncCode)
            throw new AudioFormatException(origin, Corrupt("no sync code"));
        if (reader.ReadBits(1) != 0)
            throw new AudioFormatException(origin, Corrupt("reserved bit set"));
        reader.ReadBits(1);
        var blockSizeCode = (int)reader.ReadBits(4);
        var sampleRateCode = (int)reader.ReadBits(4);
        var assignment = (int)reader.ReadBits(4);
        var sampleSizeCode = (int)reader.ReadBits(3);
        if (reader.ReadBits(1) != 0)
            throw new AudioFormatException(origin, Corrupt("reserved bit set"));
        ReadCodedNumber(reader, origin, Corrupt);

        var blockSize = blockSizeCode switch
        {
            0 => throw new AudioFormatException(origin, Corrupt("reserved block size code")),
            1 => 192,
            >= 2 and <= 5 => 576 << (blockSizeCode - 2),
            6 => (int)reader.ReadBits(8) + 1,
            7 => (int)reader.ReadBits(16) + 1,
            _ => 256 << (blockSizeCode - 8),
        };
        var sampleRate = sampleRateCode switch
        {
            0 => info.SampleRate,
            1 => 88200,
            2 => 176400,
            3 => 192000,
            4 => 8000,
            5 => 16000,
            6 => 22050,
            7 => 24000,
            8 => 32000,
            9 => 44100,
            10 => 48000,
            11 => 96000,
            12 => (int)reader.ReadBits(8) * 1000,
            13 => (int)reader.ReadBits(16),
            14 => (int)reader.ReadBits(16) * 10,
            _ => throw new AudioFormatException(origin, Corrupt("invalid sample rate code")),
        };
        var bits = sampleSizeCode switch
        {
            0 => info.BitsPerSample,
            1 => 8,
            2 => 12,
            4 => 16,
            5 => 20,
            6 => 24,
            7 => 32,
            _ => throw new AudioFormatException(origin, Corrupt("reserved sample size code")),
        };
        if (assignment > 10)
            throw new AudioFormatException(origin, Corrupt("reserved channel assignment"));

        var crc = FlacCrc.Crc8(data.AsSpan(start, reader.BytePosition - start));
        if (reader.ReadBits(8) != crc)
            throw new AudioFormatException(origin, Corrupt("CRC-8 mismatch"));

        var header = new FlacFrameHeader(blockSize, sampleRate, assignment, bits);
        if (header.Channels != info.Channels || sampleRate != info.SampleRate || bits != info.BitsPerSample)
            throw new AudioFormatException(origin,
                $"FLAC frame at byte {start} has {header.Channels} channels, {sampleRate} Hz, {bits} bits; STREAMINFO says " +
                $"{info.Channels}, {info.SampleRate} Hz, {info.BitsPerSample} bits (format changes mid-stream are not supported)");
        return header;
    }

    /// <summary>The frame or sample number, in FLAC's extended UTF-8 coding; its value is not needed here.</summary>
    private static void ReadCodedNumber(FlacBitReader reader, string origin, Func<string, string> corrupt)
    {
        var first = (int)reader.ReadBits(8);
        var extra = first switch
        {
            < 0x80 => 0,
            >= 0xC0 and < 0xE0 => 1,
            >= 0xE0 and < 0xF0 => 2,
            >= 0xF0 and < 0xF8 => 3,
            >= 0xF8 and < 0xFC => 4,
            >= 0xFC and < 0xFE => 5,
            0xFE => 6,
            _ => -1,
        };
        if (extra < 0)
            throw new AudioFormatException(origin, corrupt("invalid frame number coding"));
        for (var i = 0; i < extra; i++)
            if ((reader.ReadBits(8) & 0xC0) != 0x80)
                throw new AudioFormatException(origin, corrupt("invalid frame number coding"));
    }

    /// <summary>The side channel of a stereo pair carries one more bit than the others.</summary>
    private static int SideExtraBit(int assignment, int channel) => assignment switch
    {
        8 or 10 => channel == 1 ? 1 : 0,
        9 => channel == 0 ? 1 : 0,
        _ => 0,
    };

    private static void ReadSubframe(FlacBitReader reader, Span<long> samples, int bits, string origin)
    {
        if (reader.ReadBits(1) != 0)
            throw new AudioFormatException(origin, "corrupt FLAC subframe: padding bit set");
        var type = (int)reader.ReadBits(6);
        var wasted = 0;
        if (reader.ReadBits(1) == 1)
        {
            var unary = reader.ReadUnary();
            if (unary >= bits - 1)
                throw new AudioFormatException(origin, "corrupt FLAC subframe: more wasted bits than sample bits");
            wasted = (int)unary + 1;
        }
        var width = bits - wasted;

        switch (type)
        {
            case 0:
                samples.Fill(reader.ReadSigned(width));
                break;
            case 1:
                for (var i = 0; i < samples.Length; i++)
                    samples[i] = reader.ReadSigned(width);
                break;
            case >= 8 and <= 12:
                FlacPrediction.DecodeFixed(reader, samples, type - 8, width, origin);
                break;
            case >= 32:
                FlacPrediction.DecodeLpc(reader, samples, type - 31, width, origin);
                break;
            default:
                throw new AudioFormatException(origin, $"corrupt FLAC subframe: reserved type {type}");
        }

        if (wasted > 0)
            for (var i = 0; i < samples.Length; i++)
                samples[i] <<= wasted;
        FlacPrediction.CheckRange(samples, bits, origin);
    }

    private static void Decorrelate(long[][] channels, FlacFrameHeader header)
    {
        var n = header.BlockSize;
        switch (header.ChannelAssignment)
        {
            case 8:
                for (var i = 0; i < n; i++)
                    channels[1][i] = channels[0][i] - channels[1][i];
                break;
            case 9:
                for (var i = 0; i < n; i++)
                    channels[0][i] += channels[1][i];
                break;
            case 10:
                for (var i = 0; i < n; i++)
                {
                    var side = channels[1][i];
                    var mid = (channels[0][i] << 1) | (side & 1);
                    channels[0][i] = (mid + side) >> 1;
                    channels[1][i] = (mid - side) >> 1;
                }
                break;
        }
    }
}
