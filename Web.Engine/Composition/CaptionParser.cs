using System.Text;
using System.Text.RegularExpressions;

namespace Clap2Diffusion.Engine.Composition;

/// <summary>An AudioCaps-style caption split into what is heard first, what is heard with or after it, and where.</summary>
public sealed record ParsedCaption(string Primary, string? Secondary, string? Context, IReadOnlyList<string> Events);

/// <summary>
/// Splits captions such as "A dog barks while rain falls in a park" into events and an environment:
/// "while"/"as"/"whilst" join simultaneous events, "followed by"/"then"/sentence breaks join successive ones,
/// "and" and commas join events when both sides carry a verb (so "a man and a woman talk" stays one event), and
/// "with"/"in"/"at"/"near" introduce the environment: a place ("in a large hall") or what goes on around the events
/// ("with wind blowing"). Phrases after those words that say where in the mix or how a sound is made ("in the
/// background", "in the distance", "at high speed", "in a foreign language") are no environment and stay in their
/// event. Any English text gives a result; text it cannot split becomes the primary event.
/// </summary>
public static partial class CaptionParser
{
    private static readonly string[] SequenceBreaks = [" followed by ", " and then ", " then ", " after which ", " before ", " after "];
    private static readonly string[] SimultaneityBreaks = [" while ", " whilst ", " as ", " during ", " meanwhile "];
    private static readonly string[] EnvironmentWords = ["with", "in", "at", "near"];

    // Words that, among the first few after an environment word, make the phrase a position in the mix or a manner
    // of sounding rather than surroundings. Counted over all 57,188 AudioCaps captions, "in the background" and "in
    // the distance" alone were a quarter of what the parser took for environments before this list.
    private static readonly HashSet<string> NotSurroundings = new(StringComparer.Ordinal)
    {
        "background", "foreground", "distance", "far", "close", "front", "middle", "end", "beginning", "first", "once",
        "time", "times", "same", "other", "unison", "tandem", "turn", "response", "distress", "use", "idle", "language",
        "english", "speed", "rate", "pace", "volume", "pitch", "intensity", "intervals", "succession", "bursts", "row",
        "rhythm", "sequence", "length", "quick", "rapid", "slow", "short", "between", "order", "another", "excitement",
        "frequency", "microphone", "monologue",
    };

    private const int SurroundingsWordsChecked = 3;

    public static ParsedCaption Parse(string? caption)
    {
        var text = Normalise(caption);
        if (text.Length == 0)
            return new ParsedCaption("", null, null, []);

        var events = new List<string>();
        string? context = null;
        foreach (var clause in SplitClauses(text))
        {
            foreach (var part in SplitOnJoiners(clause))
            {
                var (eventText, environment) = SplitEnvironment(part);
                context ??= environment;
                if (eventText.Length > 0)
                    events.Add(eventText);
                else if (environment is not null && events.Count == 0)
                    events.Add(part);
            }
        }
        if (events.Count == 0)
            events.Add(text);
        return new ParsedCaption(events[0], events.Count > 1 ? events[1] : null, context, events);
    }

    private static string Normalise(string? caption)
    {
        if (string.IsNullOrWhiteSpace(caption))
            return "";
        var builder = new StringBuilder(caption.Length);
        foreach (var c in caption.Normalize(NormalizationForm.FormC))
            builder.Append(char.IsControl(c) ? ' ' : char.ToLowerInvariant(c));
        var text = Whitespace().Replace(builder.ToString(), " ").Trim();
        text = CommaBeforeConnector().Replace(text, " ");
        return text.TrimEnd('.', '!', '?', ',', ';', ':', ' ');
    }

    private static IEnumerable<string> SplitClauses(string text)
    {
        // Sentence-level breaks first, then successive and simultaneous connectors, in that order.
        IEnumerable<string> pieces = ClauseBreak().Split(text);
        foreach (var separator in SequenceBreaks.Concat(SimultaneityBreaks))
            pieces = pieces.SelectMany(p => SplitKeepingWords(p, separator));
        return pieces.Select(p => p.Trim(' ', ',')).Where(p => p.Length > 0);
    }

    private static IEnumerable<string> SplitKeepingWords(string text, string separator)
    {
        var padded = " " + text + " ";
        var parts = padded.Split(separator, StringSplitOptions.None);
        // "as" is also a comparison ("as loud as"); only split where both sides have words.
        if (parts.Length == 1 || parts.Any(p => p.Trim(' ', ',').Length == 0))
            return [text];
        return parts.Select(p => p.Trim());
    }

    // "and" and commas join events only where the left side has a verb and the right side opens with a subject and
    // its verb: "a dog barks, people speak" is two events, "a car, a truck and a bus pass" one.
    private static IEnumerable<string> SplitOnJoiners(string clause)
    {
        var pieces = Joiner().Split(clause);
        if (pieces.Length == 1)
            return [clause];
        var merged = new List<string> { pieces[0] };
        // Split with a capturing group: the joiners sit at the odd indices.
        for (var i = 2; i < pieces.Length; i += 2)
        {
            var previous = merged[^1];
            if (HasVerb(previous) && StartsWithSubject(pieces[i]))
                merged.Add(pieces[i]);
            else
                merged[^1] = previous + pieces[i - 1] + pieces[i];
        }
        return merged.Select(p => p.Trim(' ', ',')).Where(p => p.Length > 0);
    }

    private static (string Event, string? Environment) SplitEnvironment(string part)
    {
        var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // Skip the first two words so a subject such as "people in a crowd" is not split before its verb.
        for (var i = 1; i < words.Length - 1; i++)
        {
            if (!EnvironmentWords.Contains(words[i]) || (i < 2 && !HasVerb(string.Join(' ', words[..i]))))
                continue;
            // "speaks along with music": "along" belongs to the connective, not to the event.
            var before = string.Join(' ', words[..(words[i - 1] == "along" && i > 1 ? i - 1 : i)]).Trim(' ', ',');
            var after = string.Join(' ', words[(i + 1)..]).Trim(' ', ',');
            if (after.Length > 0 && IsSurroundings(words[(i + 1)..]))
                return (before, after);
        }
        return (part, null);
    }

    private static bool IsSurroundings(string[] phrase) =>
        !phrase.Take(SurroundingsWordsChecked).Select(w => w.Trim(',')).Any(NotSurroundings.Contains);

    // "a bell rings" has a subject before its verb; "applauds at a stadium" continues the previous event.
    private static bool StartsWithSubject(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2 || !words.Skip(1).Any(w => SoundVerbs.IsVerb(w.Trim(','))))
            return false;
        var first = words[0].Trim(',');
        return !SoundVerbs.IsVerb(first) || SoundVerbs.IsAlsoNoun(first);
    }

    private static bool HasVerb(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim(',')).Any(SoundVerbs.IsVerb);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(,\s*and\s+|,\s*|\s+and\s+)")]
    private static partial Regex Joiner();

    [GeneratedRegex(@"\s*[.;!?]+\s*")]
    private static partial Regex ClauseBreak();

    [GeneratedRegex(@",\s*(?=(?:followed by|and then|then|while|whilst|as|during|before|after)\s)")]
    private static partial Regex CommaBeforeConnector();
}
