using System.Diagnostics;
using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static Clap2Diffusion.Tests.Engine.Audio.ExternalAudioTools;

namespace Clap2Diffusion.Tests.Engine.Audio;

/// <summary>
/// Truncated, bit-flipped and overwritten copies of a file in each in-process format (seeded, so a failure
/// names a case that can be replayed): decoding must return a clip or throw an InputException, never crash,
/// hang or throw anything else.
/// </summary>
public sealed class AudioDecoderFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int CasesPerFormat = 40;
    private static readonly TimeSpan PerCaseLimit = TimeSpan.FromSeconds(10);

    private readonly TempFolder folder = new("audio-fuzz");

    public void Dispose() => folder.Dispose();

    public static TheoryData<string, string[]> Formats => new()
    {
        { "wav-s16-stereo.wav", ["sox", "-b", "16"] },
        { "wav-extensible-f32-5.1.wav", ["sox", "-e", "floating-point", "-b", "32", "-c", "6"] },
        { "wav-rf64.wav", ["ffmpeg", "-c:a", "pcm_s24le", "-rf64", "always"] },
        { "flac-s16-stereo.flac", ["sox", "-b", "16"] },
        { "flac-s24-mono.flac", ["sox", "-b", "24", "-c", "1"] },
        { "mp3-stereo.mp3", ["ffmpeg", "-c:a", "libmp3lame", "-id3v2_version", "3", "-metadata", "title=fuzz"] },
        { "mp2-stereo.mp2", ["ffmpeg", "-c:a", "mp2"] },
        { "vorbis-stereo.ogg", ["ffmpeg", "-c:a", "libvorbis", "-page_duration", "50000"] },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Damaged_files_fail_only_with_input_errors(string name, string[] recipe)
    {
        var source = folder.File("source.wav");
        Sox(["-n", "-r", "44100", "-c", "2", "-e", "floating-point", "-b", "32", source, "synth", "1", "sine", "440", "pinknoise", "gain", "-6"]);
        var path = folder.File(name);
        if (recipe[0] == "sox")
            Sox([source, .. recipe[1..], path]);
        else
            Ffmpeg(["-i", source, .. recipe[1..], path]);
        var original = File.ReadAllBytes(path);
        var options = new AudioDecoderOptions { FfmpegPath = "" };
        AudioDecoder.Decode(original, name, options);

        int decoded = 0, refused = 0;
        var slowest = TimeSpan.Zero;
        for (var seed = 0; seed < CasesPerFormat; seed++)
        {
            var (damaged, what) = Damage(original, seed);
            var clock = Stopwatch.StartNew();
            try
            {
                var clip = await Task.Run(() => AudioDecoder.Decode(damaged, name, options)).WaitAsync(PerCaseLimit);
                Assert.True(clip.Samples.Length > 0);
                decoded++;
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{name} seed {seed} ({what}): still decoding after {PerCaseLimit.TotalSeconds} s");
            }
            catch (Exception error) when (error is not Xunit.Sdk.XunitException)
            {
                Assert.True(error is InputException, $"{name} seed {seed} ({what}): {error.GetType().Name}: {error}");
                refused++;
            }
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
        }
        output.WriteLine($"{name}: {decoded} decoded, {refused} refused with InputException, slowest {slowest.TotalMilliseconds:0} ms");
    }

    /// <summary>One of: cut at a random point, flip 1 to 8 bits, overwrite a short run; half the damage lands in the first 256 bytes, where the headers are.</summary>
    private static (byte[] Data, string What) Damage(byte[] original, int seed)
    {
        var random = new Random(seed * 7919 + original.Length);
        int Position() => random.Next(2) == 0 ? random.Next(Math.Min(256, original.Length)) : random.Next(original.Length);
        switch (seed % 3)
        {
            case 0:
                var length = Position();
                return (original[..length], $"cut to {length} bytes");
            case 1:
                var flipped = original.ToArray();
                var flips = random.Next(1, 9);
                for (var i = 0; i < flips; i++)
                    flipped[Position()] ^= (byte)(1 << random.Next(8));
                return (flipped, $"{flips} bits flipped");
            default:
                var overwritten = original.ToArray();
                var start = Position();
                var run = Math.Min(random.Next(1, 17), overwritten.Length - start);
                random.NextBytes(overwritten.AsSpan(start, run));
                return (overwritten, $"{run} bytes overwritten at {start}");
        }
    }
}
