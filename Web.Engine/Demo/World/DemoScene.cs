namespace Clap2Diffusion.Engine.Demo.World;

/// <summary>One world state: the object the text names and the three audio levels (null = absent).</summary>
public sealed record DemoScene(string Shape, string Color, string? Foreground, string? Background, string? Ambience)
{
    public string? Element(SceneLevel level) => level switch
    {
        SceneLevel.Foreground => Foreground,
        SceneLevel.Background => Background,
        _ => Ambience,
    };

    public DemoScene With(SceneLevel level, string? element) => level switch
    {
        SceneLevel.Foreground => this with { Foreground = element },
        SceneLevel.Background => this with { Background = element },
        _ => this with { Ambience = element },
    };

    public IEnumerable<string> SceneElements =>
        new[] { Foreground, Background, Ambience }.Where(e => e is not null).Select(e => e!);

    public string ObjectPhrase => $"a {Color} {Shape}";
}
