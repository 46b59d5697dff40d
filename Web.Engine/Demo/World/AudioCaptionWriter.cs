using Clap2Diffusion.Engine.Runtime;

namespace Clap2Diffusion.Engine.Demo.World;

/// <summary>
/// Writes AudioCaps-style captions of a scene's sound ("A bell rings while rain falls"). Every phrase carries
/// its element's canonical word, so the demo text encoders see the same words in captions and prompts.
/// </summary>
public static class AudioCaptionWriter
{
    private static readonly Dictionary<string, string[]> Phrases = new()
    {
        ["barking"] = ["a dog is barking", "a dog keeps barking", "barking from a dog"],
        ["bell"] = ["a bell rings", "a bell is ringing", "a church bell chimes"],
        ["chirping"] = ["birds are chirping", "chirping birds call", "a bird keeps chirping"],
        ["engine"] = ["an engine hums", "an engine idles", "an engine is running"],
        ["chatter"] = ["people chatter", "a crowd makes chatter", "quiet chatter of people goes on"],
        ["rain"] = ["rain falls", "rain is falling", "heavy rain pours"],
        ["wind"] = ["wind blows", "wind is blowing", "strong wind gusts"],
        ["waves"] = ["waves crash", "waves break on a shore", "ocean waves roll in"],
    };

    private static readonly string[] Quiet = ["near silence with faint room tone", "a quiet room with almost no sound"];

    public static string Write(DemoScene scene, SeededRandom random)
    {
        var events = scene.SceneElements.Select(e => random.Pick(Phrases[e])).ToList();
        var caption = events.Count switch
        {
            0 => random.Pick(Quiet),
            1 => events[0],
            2 => $"{events[0]} {random.Pick(["while", "as", "and"])} {events[1]}",
            _ => random.Chance(0.5)
                ? $"{events[0]} while {events[1]} as {events[2]}"
                : $"{events[0]} and {events[1]} while {events[2]}",
        };
        return char.ToUpperInvariant(caption[0]) + caption[1..];
    }
}
