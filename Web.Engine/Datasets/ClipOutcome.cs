namespace Clap2Diffusion.Engine.Datasets;

/// <summary>What became of a clip; the names are the report's categories.</summary>
public enum ClipStatus
{
    Prepared,
    MissingVideo,
    TooShort,
    Silent,
    Corrupt,
}

/// <summary>
/// A clip's status with the reason in words, the video it came from, and whether this run did the work (false when
/// an earlier run prepared the clip, or found the same video unusable).
/// </summary>
public sealed record ClipOutcome(ClipStatus Status, string Detail, string? Video, bool DoneNow)
{
    public static ClipOutcome Missing() => new(ClipStatus.MissingVideo, "no file named <id>.<ext> or '... [<id>].<ext>' in the media folder", null, false);
}
