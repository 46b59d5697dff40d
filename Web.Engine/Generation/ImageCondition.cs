namespace Clap2Diffusion.Engine.Generation;

/// <summary>What an image was conditioned on: the text alone, or the text and a sound.</summary>
public enum ImageCondition
{
    TextOnly,
    Audio,
}

public static class ImageConditions
{
    public const string TextOnlyName = "text-only";

    /// <summary>The name written into images' metadata and progress events: "text-only" or "audio".</summary>
    public static string Name(this ImageCondition condition) => condition switch
    {
        ImageCondition.TextOnly => TextOnlyName,
        _ => "audio",
    };

    /// <summary>How the HTTP API, the study's CSV and the pages name the image of a pair: "text-only" or "audio-conditioned".</summary>
    public static string RoleName(this ImageCondition condition) => condition switch
    {
        ImageCondition.TextOnly => TextOnlyName,
        _ => "audio-conditioned",
    };
}
