namespace Clap2Diffusion.Engine.Audio;

/// <summary>ITU-T G.711 A-law and µ-law expansion to float, scaled like 16-bit PCM (÷ 32768).</summary>
internal static class G711
{
    private static readonly float[] ALawTable = Build(ExpandALaw);
    private static readonly float[] MuLawTable = Build(ExpandMuLaw);

    public static float ALaw(byte code) => ALawTable[code];

    public static float MuLaw(byte code) => MuLawTable[code];

    private static float[] Build(Func<byte, int> expand)
    {
        var table = new float[256];
        for (var i = 0; i < 256; i++)
            table[i] = expand((byte)i) / 32768f;
        return table;
    }

    private static int ExpandALaw(byte code)
    {
        code ^= 0x55;
        var exponent = (code >> 4) & 7;
        var mantissa = code & 0x0F;
        var magnitude = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
        return (code & 0x80) != 0 ? magnitude : -magnitude;
    }

    private static int ExpandMuLaw(byte code)
    {
        code = (byte)~code;
        var exponent = (code >> 4) & 7;
        var mantissa = code & 0x0F;
        var magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
        return (code & 0x80) != 0 ? -magnitude : magnitude;
    }
}
