using System.Diagnostics;
using System.Text;

namespace Clap2Diffusion.Engine.Audio;

/// <summary>
/// Decodes what the managed decoders do not (Opus, AAC, M4A, WebM/Matroska, AIFF ...) with the external
/// ffmpeg program: no shell, arguments as a list, input restricted to the local file protocol and to the audio
/// demuxers in <see cref="AllowedDemuxers"/>, one thread, the first audio stream written as float32 WAV to stdout.
/// The run is killed when it exceeds the time limit or the decoded audio exceeds the duration limit.
/// </summary>
internal static class FfmpegDecoder
{
    /// <summary>
    /// The containers ffmpeg may open, by demuxer name. Left out on purpose: playlists (hls, m3u), concat and
    /// image sequences, which read other files or URLs, and every video-only or network format.
    /// </summary>
    public const string AllowedDemuxers = "wav,w64,aiff,caf,au,flac,mp3,ogg,matroska,mov,aac,amr,ac3,eac3,wv,ape,tta,dsf";

    private const int PrefixBytes = 64 * 1024;
    private const int StderrChars = 4000;

    /// <summary>The ffmpeg to run: <paramref name="configured"/> if set (an empty string disables ffmpeg), else the one on PATH, else null.</summary>
    public static string? Locate(string? configured)
    {
        if (configured is not null)
            return configured.Length == 0 ? null : configured;
        var name = OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg";
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    public static AudioClip Decode(string ffmpeg, string inputPath, string origin, string description, AudioLimits limits,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(ffmpeg)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in (string[])["-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "1",
                     "-protocol_whitelist", "file", "-format_whitelist", AllowedDemuxers,
                     "-i", "file:" + Path.GetFullPath(inputPath), "-map", "0:a:0", "-vn", "-sn", "-dn",
                     "-c:a", "pcm_f32le", "-f", "wav", "pipe:1"])
            start.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = start };
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, line) =>
        {
            lock (stderr)
                if (line.Data is not null && stderr.Length < StderrChars)
                    stderr.AppendLine(line.Data);
        };
        try
        {
            process.Start();
        }
        catch (Exception error) when (error is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new AudioFormatException(origin, $"{description} needs ffmpeg, which could not be started ({error.Message})", error);
        }
        process.StandardInput.Close();
        process.BeginErrorReadLine();

        var timedOut = 0;
        using var timer = new Timer(_ =>
        {
            Interlocked.Exchange(ref timedOut, 1);
            Kill(process);
        }, null, limits.FfmpegTimeout, Timeout.InfiniteTimeSpan);
        using var cancellation = cancellationToken.Register(() => Kill(process));
        try
        {
            var clip = ReadOutput(process.StandardOutput.BaseStream, origin, limits);
            process.WaitForExit();
            cancellationToken.ThrowIfCancellationRequested();
            if (Volatile.Read(ref timedOut) == 1)
                throw TimedOut(origin, description, limits);
            if (clip is null || process.ExitCode != 0)
                throw Failed(origin, description, stderr);
            limits.CheckDecoded(origin, clip.Samples.Length, clip.SampleRate);
            return clip with { Source = clip.Source with { Codec = description } };
        }
        catch (AudioFormatException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (AudioFormatException) when (Volatile.Read(ref timedOut) == 1)
        {
            throw TimedOut(origin, description, limits);
        }
        finally
        {
            Kill(process);
        }
    }

    /// <summary>Reads ffmpeg's WAV output as it comes; null when ffmpeg wrote nothing (it failed).</summary>
    private static AudioClip? ReadOutput(Stream output, string origin, AudioLimits limits)
    {
        var prefix = new byte[PrefixBytes];
        var filled = 0;
        int read;
        while (filled < prefix.Length && (read = output.Read(prefix, filled, prefix.Length - filled)) > 0)
            filled += read;
        if (filled == 0)
            return null;

        var layout = WavReader.ReadLayout(prefix.AsSpan(0, filled), origin, streaming: true);
        var format = layout.Format;
        limits.CheckFormat(origin, format.SampleRate, format.Channels);
        var buffer = new MonoBuffer(origin, limits, format.SampleRate, format.Channels);
        var remainingDeclared = layout.DataLength < 0 ? long.MaxValue : layout.DataLength;

        var pending = new byte[Math.Max(PrefixBytes, format.BlockAlign * 2)];
        var pendingCount = (int)Math.Min(filled - layout.DataOffset, remainingDeclared);
        Array.Copy(prefix, layout.DataOffset, pending, 0, pendingCount);
        remainingDeclared -= pendingCount;
        while (true)
        {
            var whole = pendingCount / format.BlockAlign * format.BlockAlign;
            WavReader.ConvertFrames(pending.AsSpan(0, whole), format, layout.BigEndian, buffer, origin);
            Array.Copy(pending, whole, pending, 0, pendingCount - whole);
            pendingCount -= whole;
            if (remainingDeclared == 0)
                break;
            read = output.Read(pending, pendingCount, (int)Math.Min(pending.Length - pendingCount, remainingDeclared));
            if (read <= 0)
                break;
            pendingCount += read;
            remainingDeclared -= read;
        }
        return new AudioClip(buffer.ToArray(), format.SampleRate,
            new AudioSourceInfo(AudioContainer.Ffmpeg, "ffmpeg", format.SampleRate, format.Channels, 0, false));
    }

    private static AudioFormatException TimedOut(string origin, string description, AudioLimits limits) =>
        new(origin, $"ffmpeg did not finish decoding this {description} file within {limits.FfmpegTimeout.TotalSeconds:0.#} s");

    private static AudioFormatException Failed(string origin, string description, StringBuilder stderr)
    {
        string message;
        lock (stderr)
            message = stderr.ToString().Trim();
        var lastLine = message.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? "no message";
        return new AudioFormatException(origin, $"ffmpeg could not decode this {description} file: {lastLine}");
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
