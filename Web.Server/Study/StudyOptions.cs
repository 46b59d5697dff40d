using System.ComponentModel.DataAnnotations;

namespace Clap2Diffusion.Server.Study;

/// <summary>The "Study" section: limits on participants' joins.</summary>
public sealed class StudyOptions
{
    public const string Section = "Study";

    /// <summary>
    /// Loads of a study's join page one client address may make per <see cref="JoinWindow"/>. Each new session needs
    /// a page load from a fresh browser, so this bounds how fast one machine can start sessions; raise it for a lab
    /// whose participants share one address.
    /// </summary>
    [Range(1, 100_000)]
    public int JoinsPerAddress { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan JoinWindow { get; set; } = TimeSpan.FromMinutes(1);
}
