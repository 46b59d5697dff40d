using Clap2Diffusion.Engine.Composition;

namespace Clap2Diffusion.Tests.Engine.Composition;

public sealed class CaptionParserTests
{
    // caption, primary, secondary, context ("" = none)
    public static TheoryData<string, string, string, string> Captions => new()
    {
        { "A dog barks while a man speaks", "a dog barks", "a man speaks", "" },
        { "Rain falls as a bell rings", "rain falls", "a bell rings", "" },
        { "People talk in a crowded cafe", "people talk", "", "a crowded cafe" },
        { "A cat meows while rain falls on a roof", "a cat meows", "rain falls on a roof", "" },
        { "A car engine idles and then revs", "a car engine idles", "revs", "" },
        { "Waves crash on a beach with wind blowing", "waves crash on a beach", "", "wind blowing" },
        { "Birds chirp near a stream", "birds chirp", "", "a stream" },
        { "A woman speaks, followed by a dog barking", "a woman speaks", "a dog barking", "" },
        { "Wind blows strongly", "wind blows strongly", "", "" },
        { "A man and a woman talk", "a man and a woman talk", "", "" },
        { "A dog barks and a bell rings", "a dog barks", "a bell rings", "" },
        { "Birds chirp and sing", "birds chirp and sing", "", "" },
        { "A man speaks with music playing in the background", "a man speaks", "", "music playing in the background" },
        { "A dog barks in the distance while a car passes by", "a dog barks", "a car passes by", "the distance" },
        { "An engine hums as people chatter at a market", "an engine hums", "people chatter", "a market" },
        { "Thunder rumbles and rain pours down", "thunder rumbles", "rain pours down", "" },
        { "A bell rings.", "a bell rings", "", "" },
        { "A baby cries, then a woman speaks softly", "a baby cries", "a woman speaks softly", "" },
        { "Water trickles in a stream while birds tweet", "water trickles", "birds tweet", "a stream" },
        { "A vehicle engine revving and accelerating", "a vehicle engine revving and accelerating", "", "" },
        { "Typing on a keyboard with a man talking", "typing on a keyboard", "", "a man talking" },
        { "A train horn blares as a train passes", "a train horn blares", "a train passes", "" },
        { "Sirens wail while traffic passes in a city", "sirens wail", "traffic passes", "a city" },
        { "Footsteps on gravel followed by a door closing", "footsteps on gravel", "a door closing", "" },
        { "A crowd cheers and applauds at a stadium", "a crowd cheers and applauds", "", "a stadium" },
        { "Ducks quack near a pond as wind blows", "ducks quack", "wind blows", "a pond" },
        { "A helicopter flies overhead", "a helicopter flies overhead", "", "" },
        { "A sewing machine runs and then stops", "a sewing machine runs", "stops", "" },
        { "People are talking and laughing in a room", "people are talking and laughing", "", "a room" },
        { "A faucet pours water into a sink", "a faucet pours water into a sink", "", "" },
        { "Someone snores loudly", "someone snores loudly", "", "" },
        { "A motorcycle accelerates and a man shouts", "a motorcycle accelerates", "a man shouts", "" },
        { "Chickens cluck while a rooster crows at a farm", "chickens cluck", "a rooster crows", "a farm" },
        { "A clock ticks as rain falls outside", "a clock ticks", "rain falls outside", "" },
        { "Music plays; a woman sings", "music plays", "a woman sings", "" },
        { "A goat bleats with people speaking", "a goat bleats", "", "people speaking" },
        { "Steam hisses and water boils", "steam hisses", "water boils", "" },
        { "  A DOG   BARKS!!  ", "a dog barks", "", "" },
        { "dog", "dog", "", "" },
        { "rain", "rain", "", "" },
        { "a person with cafe noise", "a person", "", "cafe noise" },
        { "A cat purrs while a dog barks and a bell rings in a house", "a cat purrs", "a dog barks", "a house" },
        { "A drill whirs then hammering follows", "a drill whirs", "hammering follows", "" },
        { "a car passes by as sea waves crash", "a car passes by", "sea waves crash", "" },
        { "A dog keeps barking and waves break on a shore", "a dog keeps barking", "waves break on a shore", "" },
        { "An engine idles and strong wind gusts", "an engine idles", "strong wind gusts", "" },
    };

    [Theory]
    [MemberData(nameof(Captions))]
    public void Splits_events_and_environment(string caption, string primary, string secondary, string context)
    {
        var parsed = CaptionParser.Parse(caption);

        Assert.Equal(primary, parsed.Primary);
        Assert.Equal(secondary.Length == 0 ? null : secondary, parsed.Secondary);
        Assert.Equal(context.Length == 0 ? null : context, parsed.Context);
    }

    [Fact]
    public void Three_events_are_all_kept_in_order()
    {
        var parsed = CaptionParser.Parse("A dog barks, then a bell rings while rain falls");

        Assert.Equal(["a dog barks", "a bell rings", "rain falls"], parsed.Events);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \t\n ")]
    [InlineData("!!!")]
    [InlineData("\u0000\u0001 while as and with in at near")]
    [InlineData("🐶🔔☔ 犬が吠える")]
    public void Any_text_gives_a_result_without_throwing(string? caption)
    {
        var parsed = CaptionParser.Parse(caption);

        Assert.NotNull(parsed.Primary);
        Assert.Equal(parsed.Events.Count == 0, parsed.Primary.Length == 0);
    }

    [Fact]
    public void Long_hostile_input_stays_fast_and_bounded()
    {
        var caption = string.Concat(Enumerable.Repeat("a dog barks and ", 5000)) + "a bell rings";

        var parsed = CaptionParser.Parse(caption);

        Assert.Equal("a dog barks", parsed.Primary);
        Assert.Equal(5001, parsed.Events.Count);
    }
}
