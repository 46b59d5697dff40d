using System.Globalization;
using Clap2Diffusion.Engine.Audio;
using Clap2Diffusion.Engine.Training.Data;

namespace Clap2Diffusion.Engine.Datasets;

/// <summary>
/// Turns one clip's video into the layout's two files: the 10 s window from the start time as 48 kHz mono 16-bit
/// WAV, and the frame at the middle of the window, center-cropped to a square and resized to 512x512, as PNG.
/// Both are written to a work folder and moved into place only when both exist, so an interrupted run leaves no
/// half-written file under a name the trainer or a resumed run would take for finished.
/// </summary>
public sealed class ClipExtractor(FfmpegTool ffmpeg, AudioCapsLayout layout, string workFolder)
{
    public const double WindowSeconds = 10;
    public const int SampleRate = 48000;
    public const int ImageSize = 512;

    /// <summary>A clip is too short when the video ends more than this before the window's end.</summary>
    public const double AllowedShortfallSeconds = 1;

    /// <summary>A window whose audio peak stays under this level is silent (a muted or audio-less upload).</summary>
    public const double SilencePeakDbfs = -60;

    public string AudioPath(AudioCapsClip clip) => Path.Combine(layout.Root, layout.AudioFolder, clip.AudioStem + ".wav");

    public string ImagePath(AudioCapsClip clip) => Path.Combine(layout.Root, layout.ImageFolder, clip.ImageStem + ".png");

    public bool IsPrepared(AudioCapsClip clip) => File.Exists(AudioPath(clip)) && File.Exists(ImagePath(clip));

    public ClipOutcome Extract(AudioCapsClip clip, string video, CancellationToken cancellation)
    {
        var audioWork = Path.Combine(workFolder, clip.AudioStem + ".wav");
        var imageWork = Path.Combine(workFolder, clip.ImageStem + ".png");
        try
        {
            var audio = ffmpeg.Run(AudioArguments(video, clip.StartSeconds, audioWork), cancellation);
            if (!audio.Succeeded || !File.Exists(audioWork))
                return Corrupt("audio", audio, video);

            double seconds, peak;
            try
            {
                (seconds, peak) = Measure(audioWork);
            }
            catch (InputException error)
            {
                return new ClipOutcome(ClipStatus.Corrupt, $"audio: {error.Message}", video, true);
            }
            if (seconds < WindowSeconds - AllowedShortfallSeconds)
                return new ClipOutcome(ClipStatus.TooShort, Invariant(
                    $"the video ends at {clip.StartSeconds + seconds:0.##} s, {WindowSeconds - seconds:0.##} s before the window's end"), video, true);
            var peakDbfs = 20 * Math.Log10(peak);
            if (peakDbfs < SilencePeakDbfs)
            {
                var level = peak > 0 ? peakDbfs.ToString("0.#", CultureInfo.InvariantCulture) : "-inf";
                return new ClipOutcome(ClipStatus.Silent, Invariant($"audio peak {level} dBFS over the window, under {SilencePeakDbfs} dBFS"), video, true);
            }

            var frameAt = clip.StartSeconds + Math.Min(WindowSeconds, seconds) / 2;
            var frame = ffmpeg.Run(FrameArguments(video, frameAt, imageWork), cancellation);
            if (!frame.Succeeded)
                return Corrupt("frame", frame, video);
            if (!File.Exists(imageWork) || new FileInfo(imageWork).Length == 0)
                return new ClipOutcome(ClipStatus.Corrupt, Invariant($"frame: the video has no frame at {frameAt:0.##} s"), video, true);

            File.Move(imageWork, ImagePath(clip), overwrite: true);
            File.Move(audioWork, AudioPath(clip), overwrite: true);
            return new ClipOutcome(ClipStatus.Prepared, Invariant($"{seconds:0.##} s of audio, frame at {frameAt:0.##} s"), video, true);
        }
        finally
        {
            File.Delete(audioWork);
            File.Delete(imageWork);
        }
    }

    private static IEnumerable<string> AudioArguments(string video, double start, string output) =>
    [
        "-ss", Seconds(start), "-i", FfmpegTool.FileUrl(video), "-t", Seconds(WindowSeconds),
        "-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", SampleRate.ToString(CultureInfo.InvariantCulture), "-c:a", "pcm_s16le",
        "-map_metadata", "-1", "-fflags", "+bitexact", "-f", "wav", "-y", FfmpegTool.FileUrl(output),
    ];

    // Square pixels first (some uploads have another sample aspect ratio), then the largest centered square, then 512x512.
    private static IEnumerable<string> FrameArguments(string video, double at, string output) =>
    [
        "-ss", Seconds(at), "-i", FfmpegTool.FileUrl(video), "-map", "0:v:0", "-frames:v", "1", "-an", "-sn", "-dn",
        "-vf", $"scale=trunc(iw*sar/2)*2:ih,setsar=1,crop=min(iw\\,ih):min(iw\\,ih),scale={ImageSize}:{ImageSize}:flags=lanczos",
        "-pix_fmt", "rgb24", "-c:v", "png", "-f", "image2", "-update", "1", "-y", FfmpegTool.FileUrl(output),
    ];

    /// <summary>The window's length in seconds and its audio peak (full scale 1), read back from the WAV ffmpeg wrote.</summary>
    private static (double Seconds, double Peak) Measure(string wav)
    {
        var bytes = File.ReadAllBytes(wav);
        var layout = WavReader.ReadLayout(bytes, wav);
        if (layout.DataLength == 0)
            return (0, 0);
        var clip = WavReader.Decode(bytes, wav, AudioLimits.Default);
        var peak = 0f;
        foreach (var sample in clip.Samples)
            peak = Math.Max(peak, Math.Abs(sample));
        return (clip.Duration.TotalSeconds, peak);
    }

    private static ClipOutcome Corrupt(string step, FfmpegResult result, string video) =>
        new(ClipStatus.Corrupt, result.TimedOut
            ? $"{step}: ffmpeg did not finish within the time limit"
            : $"{step}: ffmpeg failed ({result.ExitCode}): {(result.LastError.Length > 0 ? result.LastError : "no output")}", video, true);

    private static string Seconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
