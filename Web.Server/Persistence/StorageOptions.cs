using System.ComponentModel.DataAnnotations;

namespace Clap2Diffusion.Server.Persistence;

/// <summary>The "Storage" section: where the database and the content store live, and how much they may hold.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Holds <c>studio.db</c> and <c>content/</c>; relative paths start at the app's content root.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataFolder { get; set; } = "data";

    /// <summary>Largest audio upload, in bytes.</summary>
    [Range(1024, 1L << 31)]
    public long MaxAudioBytes { get; set; } = 10_000_000;

    /// <summary>
    /// How many uploads are decoded at once; the rest wait (and give up when their client goes). Decoding a minute of
    /// audio takes a core for up to a second and tens of megabytes, so a burst of uploads must not take the machine.
    /// </summary>
    [Range(1, 64)]
    public int MaxConcurrentDecodes { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Bytes of decoded audio one client may store in a day (200 MB: about 35 minutes at 48 kHz).</summary>
    [Range(1L << 20, long.MaxValue)]
    public long UploadBytesPerClientPerDay { get; set; } = 200_000_000;

    /// <summary>Bytes of decoded audio one network address (an IPv6 /64) may store in a day, whatever ids it uses.</summary>
    [Range(1L << 20, long.MaxValue)]
    public long UploadBytesPerAddressPerDay { get; set; } = 1_000_000_000;

    /// <summary>Longest audio upload, in seconds.</summary>
    [Range(1, 3600)]
    public double MaxAudioSeconds { get; set; } = 60;

    /// <summary>Largest image to edit, in bytes.</summary>
    [Range(1024, 1L << 31)]
    public long MaxImageBytes { get; set; } = 20_000_000;

    /// <summary>Largest image to edit, in pixels, read from its header before anything is decoded.</summary>
    [Range(64L * 64, Clap2Diffusion.Engine.Imaging.RgbImage.MaxPixels)]
    public long MaxImagePixels { get; set; } = Clap2Diffusion.Engine.Imaging.EditImage.DefaultMaxPixels;

    /// <summary>The content store's quota in bytes: uploads and new jobs are refused once it is reached.</summary>
    [Range(1L << 20, long.MaxValue)]
    public long QuotaBytes { get; set; } = 5L << 30;

    /// <summary>Uploads no job uses are deleted after this long.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan UnusedUploadRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Finished jobs are deleted (with their audio and images) after this many days; 0 keeps them forever.</summary>
    [Range(0, 36_500)]
    public int GalleryRetentionDays { get; set; }

    /// <summary>How often the retention sweep runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(15);
}
