namespace Clap2Diffusion.Engine.Composition;

/// <summary>
/// Verbs that AudioCaps captions use for sound events, with their inflections. The caption parser needs to
/// tell "a dog barks and a bell rings" (two events) from "a man and a woman talk" (one), and a small
/// lexicon does that reliably where a general part-of-speech tagger would be a large dependency.
/// </summary>
internal static class SoundVerbs
{
    private static readonly HashSet<string> Bases = new(StringComparer.Ordinal)
    {
        "accelerate", "applaud", "approach", "babble", "baa", "bang", "bark", "beep", "blare", "bleat", "blow",
        "boil", "brake", "break", "breathe", "burp", "burst", "buzz", "call", "chant", "chatter", "cheer", "chime", "chirp", "chug",
        "clang", "clank", "clap", "clatter", "click", "close", "cluck", "coo", "cough", "crackle", "crash", "creak",
        "croak", "crow", "cry", "crunch", "ding", "drill", "drip", "drive", "drone", "drum", "echo", "explode",
        "fall", "fire", "flow", "flutter", "fly", "follow", "gallop", "giggle", "grind", "growl", "grunt", "gurgle", "gust",
        "gush", "hammer", "hiss", "honk", "hoot", "howl", "hum", "idle", "knock", "laugh", "meow", "moo",
        "motor", "move", "murmur", "neigh", "oink", "open", "operate", "pant", "pass", "patter", "play", "pop",
        "pound", "pour", "purr", "quack", "rain", "rattle", "rev", "ring", "roar", "roll", "rumble", "run",
        "rush", "rustle", "say", "saw", "scrape", "scream", "screech", "shake", "shout", "shuffle", "sing",
        "sizzle", "skid", "slam", "snap", "sneeze", "sniff", "snore", "sound", "speak", "splash", "spray",
        "sputter", "squawk", "squeak", "squeal", "start", "step", "stop", "strike", "strum", "swoosh", "talk",
        "tap", "thud", "thump", "thunder", "tick", "toll", "trickle", "tweet", "type", "vibrate", "wail", "walk",
        "wash", "whimper", "whine", "whir", "whirr", "whisper", "whistle", "whoosh", "yap", "yell", "yelp",
        "zoom", "is", "are", "hit", "occur", "fry", "spin", "drop", "flap", "flush", "jingle", "scratch", "bounce", "crinkle",
        "crumple", "groan", "moan", "sob", "gasp", "snort", "decelerate", "land", "beat", "clink", "jangle", "shriek", "wheeze",
        "slurp", "chew", "munch", "rip", "sweep", "wipe", "chop", "narrate", "chuckle", "hiccup", "toot", "clack", "puff", "gargle",
        "smack", "answer", "chat", "give", "race", "pet", "stir",
    };

    // Words that open a caption as its subject although they are verbs too ("rain pours", "thunder rumbles").
    private static readonly HashSet<string> AlsoNouns = new(StringComparer.Ordinal)
    {
        "rain", "thunder", "drum", "drums", "hammer", "saw", "fire", "sound", "sounds", "drill", "crash", "splash",
        "buzz", "hum", "whistle", "whistles", "ring", "step", "steps", "echo", "echoes", "roar", "music", "water",
        "wind", "traffic", "applause", "laughter", "chatter", "footsteps", "steam", "spray", "rustle", "knock",
    };

    public static bool IsAlsoNoun(string word) => AlsoNouns.Contains(word);

    public static bool IsVerb(string word)
    {
        if (word.Length < 2)
            return false;
        if (Bases.Contains(word))
            return true;
        foreach (var (suffix, replacements) in Suffixes)
        {
            if (!word.EndsWith(suffix, StringComparison.Ordinal) || word.Length <= suffix.Length + 1)
                continue;
            var stem = word[..^suffix.Length];
            if (replacements.Any(r => Bases.Contains(stem + r)))
                return true;
            // running -> run, chugging -> chug
            if (suffix is "ing" or "ed" && stem.Length > 2 && stem[^1] == stem[^2] && Bases.Contains(stem[..^1]))
                return true;
        }
        return false;
    }

    private static readonly (string Suffix, string[] Replacements)[] Suffixes =
    [
        ("ies", ["y"]),
        ("ied", ["y"]),
        ("ing", ["", "e"]),
        ("es", ["", "e"]),
        ("ed", ["", "e"]),
        ("s", [""]),
        ("d", [""]),
    ];
}
