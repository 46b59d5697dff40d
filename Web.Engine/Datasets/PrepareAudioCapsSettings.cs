namespace Clap2Diffusion.Engine.Datasets;

/// <summary>The inputs of <c>prepare-audiocaps</c>; <see cref="Validate"/> names the option at fault.</summary>
public sealed record PrepareAudioCapsSettings(string Csv, string Media, string Dataset)
{
    public const int MaxJobs = 64;

    /// <summary>Keep this many clips, chosen by <see cref="Seed"/>; null keeps every clip.</summary>
    public int? Limit { get; init; }

    public long Seed { get; init; }

    /// <summary>At most this many ffmpeg processes at once.</summary>
    public int Jobs { get; init; } = 2;

    /// <summary>One ffmpeg run taking longer is killed and its clip reported corrupt.</summary>
    public TimeSpan FfmpegTimeLimit { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The split the CSV holds, from its file name: train, val or test.</summary>
    public string Split => Path.GetFileNameWithoutExtension(Csv).ToLowerInvariant();

    public void Validate()
    {
        if (!File.Exists(Csv))
            throw new InputException(Directory.Exists(Csv) ? $"--csv {Csv} is a folder; give the official train.csv, val.csv or test.csv" : $"--csv {Csv} not found");
        if (!Training.Data.AudioCapsLayout.Splits.Contains(Split))
            throw new InputException($"--csv {Csv}: the file name names the split, so it must be train.csv, val.csv or test.csv");
        if (!Directory.Exists(Media))
            throw new InputException($"--media {Media} is not a folder");
        if (File.Exists(Dataset))
            throw new InputException($"--out {Dataset} is a file; give a folder (it is created when missing)");
        if (string.Equals(Path.GetFullPath(Path.Combine(Dataset, Split + ".csv")), Path.GetFullPath(Csv), StringComparison.Ordinal))
            throw new InputException($"--out {Dataset} holds the input CSV, which the prepared {Split}.csv would replace; give another folder");
        if (Limit is < 1)
            throw new InputException($"--limit must be at least 1 (it was {Limit})");
        if (Jobs is < 1 or > MaxJobs)
            throw new InputException($"--jobs must be between 1 and {MaxJobs} (it was {Jobs})");
        if (FfmpegTimeLimit <= TimeSpan.Zero)
            throw new InputException("the ffmpeg time limit must be positive");
    }
}
