using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Demo.World;

/// <summary>
/// A prompt-audio test pair of the demo world. Matching: the prompt names the audio's own scene elements.
/// Complementary: the prompt names no scene element. Creative: the prompt names an element of a level the
/// audio leaves empty. Contradictory: the prompt names a different element of a level the audio fills.
/// </summary>
public sealed record RelationCase(PromptAudioRelation Relation, DemoScene Audio, string Prompt, string? NamedElement)
{
    /// <summary>The scene a good image shows: the object, the audio's scene, plus what a creative prompt adds.</summary>
    public DemoScene Expected => Relation == PromptAudioRelation.Creative && NamedElement is not null
        ? Audio.With(DemoVocabulary.LevelOf(NamedElement), NamedElement)
        : Audio;

    public static RelationCase Create(PromptAudioRelation relation, DemoScene audio, SeededRandom random)
    {
        switch (relation)
        {
            case PromptAudioRelation.Matching:
            {
                var elements = audio.SceneElements.ToList();
                if (elements.Count == 0)
                    throw new ArgumentException("a matching prompt needs a sound with at least one scene element", nameof(audio));
                return new(relation, audio, PromptWriter.Write(audio.Shape, audio.Color, elements), null);
            }
            case PromptAudioRelation.Complementary:
                return new(relation, audio, PromptWriter.Write(audio.Shape, audio.Color, []), null);
            case PromptAudioRelation.Creative:
            {
                var empty = Enum.GetValues<AudioLevel>().Where(l => audio.Element(l) is null).ToList();
                if (empty.Count == 0)
                    throw new ArgumentException("a creative prompt needs a sound with an empty level", nameof(audio));
                var element = random.Pick(DemoVocabulary.Elements(random.Pick(empty)));
                return new(relation, audio, PromptWriter.Write(audio.Shape, audio.Color, [element]), element);
            }
            default:
            {
                var filled = Enum.GetValues<AudioLevel>().Where(l => audio.Element(l) is not null).ToList();
                if (filled.Count == 0)
                    throw new ArgumentException("a contradictory prompt needs a sound with at least one scene element", nameof(audio));
                var level = random.Pick(filled);
                var element = random.Pick(DemoVocabulary.Elements(level).Where(e => e != audio.Element(level)).ToList());
                return new(relation, audio, PromptWriter.Write(audio.Shape, audio.Color, [element]), element);
            }
        }
    }

    /// <summary>Draws a sound that admits the relation, then the pair.</summary>
    public static RelationCase Sample(PromptAudioRelation relation, SeededRandom random)
    {
        while (true)
        {
            var audio = SceneSampler.Sample(random);
            var admits = relation switch
            {
                PromptAudioRelation.Matching or PromptAudioRelation.Contradictory => audio.SceneElements.Any(),
                PromptAudioRelation.Creative => audio.SceneElements.Count() < 3,
                _ => true,
            };
            if (admits)
                return Create(relation, audio, random);
        }
    }
}
