using System.Text;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Audio.Flac;

namespace Clap2Diffusion.Tests.Engine.Audio;

/// <summary>
/// FLAC features no encoder at hand produces on demand (escape-coded partitions, 5-bit Rice parameters, wasted
/// bits on a side channel, side/right stereo, variable-blocksize sample numbering), in frames built bit by bit
/// here from the format specification.
/// </summary>
public sealed class FlacDecoderTests
{
    [Fact]
    public void Crcs_give_the_standard_check_values()
    {
        var check = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xF4, FlacCrc.Crc8(check));
        Assert.Equal(0xFEE8, FlacCrc.Crc16(check));
    }

    [Fact]
    public void Hand_built_frames_decode_to_the_samples_they_encode()
    {
        var (file, left, right) = HandBuiltStream();

        var clip = AudioDecoder.Decode(file, "hand.flac", new AudioDecoderOptions { FfmpegPath = "", Limits = new AudioLimits { MinDuration = TimeSpan.Zero } });

        Assert.Equal(AudioContainer.Flac, clip.Source.Container);
        Assert.Equal(16, clip.Source.BitsPerSample);
        Assert.False(clip.Source.Truncated);
        var expected = left.Zip(right, (l, r) => (float)(((double)(float)(l / 32768.0) + (float)(r / 32768.0)) / 2)).ToArray();
        Assert.Equal(expected, clip.Samples);
    }

    [Fact]
    public void A_flipped_bit_in_a_frame_is_caught_by_its_crc()
    {
        var (file, _, _) = HandBuiltStream();
        file[^5] ^= 0x10;

        var error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(file, "hand.flac", new AudioDecoderOptions { FfmpegPath = "" }));

        Assert.Contains("CRC", error.Message);
    }

    /// <summary>STREAMINFO (44.1 kHz, stereo, 16 bits, 32 samples) and two 16-sample frames.</summary>
    private static (byte[] File, int[] Left, int[] Right) HandBuiltStream()
    {
        var w = new BitWriter();
        w.Bytes("fLaC"u8);
        w.Bits(1, 1).Bits(0, 7).Bits(34, 24);
        w.Bits(16, 16).Bits(16, 16).Bits(0, 24).Bits(0, 24).Bits(44100, 20).Bits(1, 3).Bits(15, 5).Bits(32, 36);
        for (var i = 0; i < 16; i++)
            w.Bits(0, 8);

        // Both frames use the variable-blocksize strategy: the coded number is the first sample's index.
        // Frame 0, mid/side. Mid: FIXED order 2, residual coding method 1 (5-bit parameters), partition order 1:
        // partition 0 escape-coded in 7 raw bits, partition 1 Rice parameter 3. Side: VERBATIM, 2 wasted bits.
        int[] midWarmUp = [100, 110];
        int[] escaped = [-64, 63, 0, -1, 5, -7];
        int[] riced = [3, -4, 0, 17, -20, 1, -1, 2];
        int[] sideStored = [-300, 250, 0, 7, -1, 1, 4095, -4096, 12, -13, 99, -99, 3, -3, 0, 1];
        var frame0 = w.StartFrame();
        w.Bits(0x3FFE, 14).Bits(0, 1).Bits(1, 1).Bits(6, 4).Bits(0, 4).Bits(10, 4).Bits(4, 3).Bits(0, 1).Bits(0, 8).Bits(15, 8);
        w.Crc8(frame0);
        w.Bits(0, 1).Bits(8 + 2, 6).Bits(0, 1);
        foreach (var s in midWarmUp)
            w.Signed(s, 16);
        w.Bits(1, 2).Bits(1, 4);
        w.Bits(31, 5).Bits(7, 5);
        foreach (var r in escaped)
            w.Signed(r, 7);
        w.Bits(3, 5);
        foreach (var r in riced)
            w.Rice(r, 3);
        w.Bits(0, 1).Bits(1, 6).Bits(1, 1).Bits(1, 2);
        foreach (var s in sideStored)
            w.Signed(s, 15);
        w.Crc16(frame0);

        var mid = new int[16];
        mid[0] = midWarmUp[0];
        mid[1] = midWarmUp[1];
        int[] residual = [.. escaped, .. riced];
        for (var i = 2; i < 16; i++)
            mid[i] = residual[i - 2] + 2 * mid[i - 1] - mid[i - 2];
        var side = sideStored.Select(s => s << 2).ToArray();
        var left = new List<int>();
        var right = new List<int>();
        for (var i = 0; i < 16; i++)
        {
            var m = (mid[i] << 1) | (side[i] & 1);
            left.Add((m + side[i]) >> 1);
            right.Add((m - side[i]) >> 1);
        }

        // Frame 1, side/right, starting at sample 16. Side: CONSTANT in 17 bits. Right: FIXED order 0, coding method 0,
        // partition order 2 with Rice parameters 0, 2, 14 (escape is 15 here) and 1.
        const int constantSide = -65536;
        int[] rightResidual = [0, -1, 1, 0, 9, -9, 30, 31, -32768, 32767, 1000, -1000, 2, -2, 1, 0];
        var frame1 = w.StartFrame();
        w.Bits(0x3FFE, 14).Bits(0, 1).Bits(1, 1).Bits(6, 4).Bits(0, 4).Bits(9, 4).Bits(4, 3).Bits(0, 1).Bits(16, 8).Bits(15, 8);
        w.Crc8(frame1);
        w.Bits(0, 1).Bits(0, 6).Bits(0, 1).Signed(constantSide, 17);
        w.Bits(0, 1).Bits(8, 6).Bits(0, 1).Bits(0, 2).Bits(2, 4);
        int[] parameters = [0, 2, 14, 1];
        for (var p = 0; p < 4; p++)
        {
            w.Bits(parameters[p], 4);
            for (var i = 0; i < 4; i++)
                w.Rice(rightResidual[p * 4 + i], parameters[p]);
        }
        w.Crc16(frame1);
        foreach (var r in rightResidual)
        {
            right.Add(r);
            left.Add(constantSide + r);
        }
        return (w.ToArray(), left.ToArray(), right.ToArray());
    }

    private sealed class BitWriter
    {
        private readonly List<byte> bytes = [];
        private int current;
        private int filled;

        public BitWriter Bits(long value, int count)
        {
            for (var i = count - 1; i >= 0; i--)
            {
                current = (current << 1) | (int)((value >> i) & 1);
                if (++filled == 8)
                {
                    bytes.Add((byte)current);
                    current = 0;
                    filled = 0;
                }
            }
            return this;
        }

        public BitWriter Signed(long value, int count) => Bits(value & ((1L << count) - 1), count);

        public void Bytes(ReadOnlySpan<byte> data)
        {
            foreach (var b in data)
                Bits(b, 8);
        }

        public void Rice(int value, int parameter)
        {
            var folded = value >= 0 ? 2L * value : -2L * value - 1;
            for (var q = folded >> parameter; q > 0; q--)
                Bits(0, 1);
            Bits(1, 1);
            Bits(folded & ((1L << parameter) - 1), parameter);
        }

        public int StartFrame() => bytes.Count;

        public void Crc8(int frameStart) => Bits(FlacCrc.Crc8(bytes.ToArray().AsSpan(frameStart)), 8);

        public void Crc16(int frameStart)
        {
            while (filled != 0)
                Bits(0, 1);
            Bits(FlacCrc.Crc16(bytes.ToArray().AsSpan(frameStart)), 16);
        }

        public byte[] ToArray() => [.. bytes];
    }
}
