namespace Clap2Diffusion.LoadTest;

/// <summary>A two-second 440 Hz tone as 16-bit PCM WAV at 48 kHz, for runs that bring no clip of their own.</summary>
public static class ToneWav
{
    public static byte[] Make(double seconds = 2, int rate = 48_000)
    {
        var frames = (int)(seconds * rate);
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + frames * 2);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(rate);
        writer.Write(rate * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(frames * 2);
        for (var i = 0; i < frames; i++)
            writer.Write((short)(Math.Sin(2 * Math.PI * 440 * i / rate) * 8000));
        writer.Flush();
        return stream.ToArray();
    }
}
