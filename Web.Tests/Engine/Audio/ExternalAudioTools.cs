using System.Buffers.Binary;
using System.Diagnostics;

namespace Clap2Diffusion.Tests.Engine.Audio;

/// <summary>
/// sox, ffmpeg and flac, which scripts/test.sh installs, make test files in every format and give the reference
/// decodes. A missing tool fails the test with the install command rather than skipping it.
/// </summary>
internal static class ExternalAudioTools
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static void Sox(params string[] arguments) => Run("sox", arguments);

    public static void Ffmpeg(params string[] arguments) =>
        Run("ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-y", .. arguments]);

    public static void Flac(params string[] arguments) => Run("flac", ["--silent", "--force", .. arguments]);

    /// <summary>ffmpeg's decode of <paramref name="path"/>: interleaved float32 frames, its channel count and rate.</summary>
    public static (float[] Interleaved, int Channels, int SampleRate) FfmpegDecode(string path)
    {
        var wav = path + ".ref.wav";
        Ffmpeg("-i", path, "-map", "0:a:0", "-c:a", "pcm_f32le", "-f", "wav", wav);
        var bytes = File.ReadAllBytes(wav);
        File.Delete(wav);
        var position = 12;
        int channels = 0, rate = 0;
        while (position + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, position, 4);
            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position + 4));
            if (id == "fmt ")
            {
                channels = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(position + 10));
                rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position + 12));
            }
            if (id == "data")
            {
                var count = Math.Min(size, bytes.Length - position - 8) / 4;
                var samples = new float[count];
                for (var i = 0; i < count; i++)
                    samples[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(position + 8 + 4 * i));
                return (samples, channels, rate);
            }
            position += 8 + size + (size & 1);
        }
        throw new InvalidOperationException($"ffmpeg wrote no data chunk for {path}");
    }

    /// <summary>The mean of the channels of interleaved frames, as the decoder downmixes.</summary>
    public static float[] Downmix(float[] interleaved, int channels)
    {
        var mono = new float[interleaved.Length / channels];
        for (var f = 0; f < mono.Length; f++)
        {
            double sum = 0;
            for (var c = 0; c < channels; c++)
                sum += interleaved[f * channels + c];
            mono[f] = (float)(sum / channels);
        }
        return mono;
    }

    private static void Run(string tool, string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new InvalidOperationException(
                $"'{tool}' is needed to make the audio test files; install it (apt-get install ffmpeg sox flac; scripts/test.sh does it) or run scripts/test.sh", error);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{tool} {string.Join(' ', arguments)} took longer than {Limit}");
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
        }
    }
}
