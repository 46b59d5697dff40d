using Clap2Diffusion.Engine.Models.Adapters;

namespace Clap2Diffusion.Engine.Demo.World;

/// <summary>One world state: the object the text names and the three audio levels (null = absent).</summary>
public sealed record DemoScene(string Shape, string Color, string? Foreground, string? Background, string? Ambience)
{
    public string? Element(AudioLevel level) => level switch
    {
        AudioLevel.Foreground => Foreground,
        AudioLevel.Background => Background,
        _ => Ambience,
    };

    public DemoScene With(AudioLevel level, string? element) => level switch
    {
        AudioLevel.Foreground => this with { Foreground = element },
        AudioLevel.Background => this with { Background = element },
        _ => this with { Ambience = element },
    };

    public IEnumerable<string> SceneElements =>
        new[] { Foreground, Background, Ambience }.Where(e => e is not null).Select(e => e!);

    public string ObjectPhrase => $"a {Color} {Shape}";
}
