namespace Clap2Diffusion.Engine.Audio.Flac;

/// <summary>The STREAMINFO metadata block. <paramref name="TotalSamples"/> (per channel) is 0 when the encoder did not know it.</summary>
internal sealed record FlacStreamInfo(int MinBlockSize, int MaxBlockSize, int SampleRate, int Channels, int BitsPerSample, long TotalSamples)
{
    public const int Length = 34;

    public static FlacStreamInfo Read(FlacBitReader reader)
    {
        var minBlock = (int)reader.ReadBits(16);
        var maxBlock = (int)reader.ReadBits(16);
        reader.ReadBits(24);
        reader.ReadBits(24);
        var sampleRate = (int)reader.ReadBits(20);
        var channels = (int)reader.ReadBits(3) + 1;
        var bits = (int)reader.ReadBits(5) + 1;
        var total = (long)reader.ReadBits(36);
        return new FlacStreamInfo(minBlock, maxBlock, sampleRate, channels, bits, total);
    }
}

/// <summary>One frame's header, after its CRC-8 has been checked.</summary>
internal readonly record struct FlacFrameHeader(int BlockSize, int SampleRate, int ChannelAssignment, int BitsPerSample)
{
    public int Channels => ChannelAssignment < 8 ? ChannelAssignment + 1 : 2;
}
