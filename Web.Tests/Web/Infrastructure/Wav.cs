using Clap2Diffusion.LoadTest;

namespace Clap2Diffusion.Tests.Web.Infrastructure;

public static class Wav
{
    public static byte[] Tone(double seconds = 0.5) => ToneWav.Make(seconds);

    public static byte[] Truncated() => Tone(0.5)[..5000];

    public static byte[] RenamedText() => "This is a shopping list, not a sound.\nmilk\neggs\n"u8.ToArray();
}
