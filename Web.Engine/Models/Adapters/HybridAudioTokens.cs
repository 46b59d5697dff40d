using static TorchSharp.torch;

namespace Clap2Diffusion.Engine.Models.Adapters;

/// <summary>The hybrid audio encoder's output: refined tokens per hierarchy level and the 77 projected tokens.</summary>
public sealed record HybridAudioTokens(Tensor Foreground, Tensor Background, Tensor Ambience, Tensor Full) : IDisposable
{
    /// <summary>The tokens a routing entry names: foreground, background, ambience or full.</summary>
    public Tensor For(string source) => source switch
    {
        "foreground" => Foreground,
        "background" => Background,
        "ambience" => Ambience,
        "full" => Full,
        _ => throw new ArgumentException($"unknown token source '{source}'", nameof(source)),
    };

    public HybridAudioTokens MoveToOuterDisposeScope()
    {
        Foreground.MoveToOuterDisposeScope();
        Background.MoveToOuterDisposeScope();
        Ambience.MoveToOuterDisposeScope();
        Full.MoveToOuterDisposeScope();
        return this;
    }

    public void Dispose()
    {
        Foreground.Dispose();
        Background.Dispose();
        Ambience.Dispose();
        Full.Dispose();
    }
}

/// <summary>Which hierarchy levels keep their content; a dropped level is replaced by its null tokens (for ablations).</summary>
public sealed record AudioLevelMask(bool Foreground = true, bool Background = true, bool Ambience = true)
{
    public static readonly AudioLevelMask All = new();

    /// <summary>Whether the level keeps its content.</summary>
    public bool Keeps(AudioLevel level) => level switch
    {
        AudioLevel.Foreground => Foreground,
        AudioLevel.Background => Background,
        AudioLevel.Ambience => Ambience,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };

    /// <summary>Every level kept but <paramref name="level"/>.</summary>
    public static AudioLevelMask Without(AudioLevel level) =>
        new(level != AudioLevel.Foreground, level != AudioLevel.Background, level != AudioLevel.Ambience);
}
