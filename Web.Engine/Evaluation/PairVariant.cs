using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Models.Unets;

namespace Clap2Diffusion.Engine.Evaluation;

/// <summary>
/// One way of generating an evaluation pair's image. Every variant of a case uses the same prompt and seed, so
/// differences between variants come from the audio alone.
/// </summary>
public enum PairVariant
{
    /// <summary>The prompt alone: the audio adapters off (<c>AudioStrength.Off</c>), no audio.</summary>
    TextOnly,

    /// <summary>The prompt and the case's own audio at the trained strength, the composition strategy off.</summary>
    Audio,

    /// <summary>
    /// The case's own audio with the composition strategy on: a level where prompt and sound conflict is heard at
    /// the contradictory strength (<see cref="Composition.CompositionStrategy"/>). Against <see cref="Audio"/> it
    /// measures what the strategy does.
    /// </summary>
    AudioComposed,

    /// <summary>The prompt with another case's audio: shows how much the image follows the sound it is given.</summary>
    ShuffledAudio,

    /// <summary>The case's audio with the foreground level's tokens replaced by its null tokens (<c>AudioLevelMask(Foreground: false)</c>).</summary>
    NullForeground,

    /// <summary>The case's audio with the background level nulled.</summary>
    NullBackground,

    /// <summary>The case's audio with the ambience level nulled.</summary>
    NullAmbience,

    /// <summary>The case's audio with the adapters of the UNet's down blocks switched off (<c>AudioStrength(Down: 0)</c>).</summary>
    AdaptersOffDown,

    /// <summary>The case's audio with the mid block's adapters switched off.</summary>
    AdaptersOffMid,

    /// <summary>The case's audio with the up blocks' adapters switched off.</summary>
    AdaptersOffUp,
}

/// <summary>Names and meanings of the variants.</summary>
public static class PairVariants
{
    public static IReadOnlyList<PairVariant> All { get; } = Enum.GetValues<PairVariant>();

    /// <summary>The name used in reports, file names and <c>--variants</c>: text_only, null_foreground, adapters_off_down, ...</summary>
    public static string Name(this PairVariant variant) => variant switch
    {
        PairVariant.TextOnly => "text_only",
        PairVariant.Audio => "audio",
        PairVariant.AudioComposed => "audio_composed",
        PairVariant.ShuffledAudio => "shuffled_audio",
        PairVariant.NullForeground => "null_foreground",
        PairVariant.NullBackground => "null_background",
        PairVariant.NullAmbience => "null_ambience",
        PairVariant.AdaptersOffDown => "adapters_off_down",
        PairVariant.AdaptersOffMid => "adapters_off_mid",
        _ => "adapters_off_up",
    };

    public static PairVariant Parse(string name)
    {
        foreach (var variant in All)
            if (string.Equals(variant.Name(), name.Trim(), StringComparison.OrdinalIgnoreCase))
                return variant;
        throw new InputException($"unknown variant '{name}'; valid: {string.Join(", ", All.Select(v => v.Name()))}");
    }

    /// <summary>Parses a comma-separated list, keeping the canonical order and dropping repeats.</summary>
    public static IReadOnlyList<PairVariant> ParseList(string list)
    {
        var chosen = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToHashSet();
        return chosen.Count > 0 ? All.Where(chosen.Contains).ToList() : throw new InputException("the variant list is empty");
    }

    /// <summary>Whether the generator conditions on a sound (every variant but text-only).</summary>
    public static bool UsesAudio(this PairVariant variant) => variant != PairVariant.TextOnly;

    /// <summary>Whether the pipeline adapts per-level strength to the pair's relation (only <see cref="PairVariant.AudioComposed"/>).</summary>
    public static bool ComposesByRelation(this PairVariant variant) => variant == PairVariant.AudioComposed;

    /// <summary>The audio level whose tokens a null-level variant replaces by null tokens.</summary>
    public static AudioLevel? NulledLevel(this PairVariant variant) => variant switch
    {
        PairVariant.NullForeground => AudioLevel.Foreground,
        PairVariant.NullBackground => AudioLevel.Background,
        PairVariant.NullAmbience => AudioLevel.Ambience,
        _ => null,
    };

    /// <summary>The UNet level whose adapters an adapters-off variant switches off.</summary>
    public static UNetLevel? SwitchedOffBlocks(this PairVariant variant) => variant switch
    {
        PairVariant.AdaptersOffDown => UNetLevel.Down,
        PairVariant.AdaptersOffMid => UNetLevel.Mid,
        PairVariant.AdaptersOffUp => UNetLevel.Up,
        _ => null,
    };

    public static PairVariant NullingVariant(AudioLevel level) => level switch
    {
        AudioLevel.Foreground => PairVariant.NullForeground,
        AudioLevel.Background => PairVariant.NullBackground,
        _ => PairVariant.NullAmbience,
    };
}
