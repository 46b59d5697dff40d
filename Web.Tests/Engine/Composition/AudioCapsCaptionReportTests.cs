using System.Globalization;
using Clap2Diffusion.Engine.Composition;
using Clap2Diffusion.Engine.Models.Adapters;
using Clap2Diffusion.Engine.Training.Data;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Clap2Diffusion.Tests.Engine.Composition;

/// <summary>
/// The caption parser over every official AudioCaps caption (train, val and test: 57,188), with levels decided by the
/// general anchors' keywords, as training with a CLAP folder without its own anchors and without text similarity
/// would decide them. The printed report is the one README.md quotes
/// (<c>dotnet test Web.Tests --filter AudioCapsCaptionReportTests --logger "console;verbosity=detailed"</c>).
/// </summary>
public sealed class AudioCapsCaptionReportTests(ITestOutputHelper output)
{
    private static readonly string[] Splits = ["train", "val", "test"];

    [Fact]
    public void Every_official_caption_parses_and_the_shares_are_reported()
    {
        var captions = Splits.SelectMany(split => AudioCapsCsv.Read(SharedData.PathOf("data", "audiocaps", $"{split}.csv")).Rows)
            .Select(row => row["caption"]).ToList();
        int oneOrMore = 0, twoOrMore = 0, withEnvironment = 0, environmentToAmbience = 0;
        var perLevel = AudioLevels.All.ToDictionary(level => level, _ => 0);
        foreach (var caption in captions)
        {
            var parsed = CaptionParser.Parse(caption);
            var levels = CaptionLevels.Assign(parsed, phrase => CaptionLevels.KeywordLevel(RelationAnchors.General, phrase));
            oneOrMore += parsed.Events.Count >= 1 ? 1 : 0;
            twoOrMore += parsed.Events.Count >= 2 ? 1 : 0;
            withEnvironment += parsed.Context is not null ? 1 : 0;
            environmentToAmbience += levels.EnvironmentIsAmbience ? 1 : 0;
            foreach (var level in AudioLevels.All)
                perLevel[level] += levels[level].Count > 0 ? 1 : 0;
        }

        string Share(int count) => string.Create(CultureInfo.InvariantCulture, $"{100.0 * count / captions.Count,5:0.0}% ({count:N0})");
        output.WriteLine($"AudioCaps captions parsed: {captions.Count:N0} (train, val, test)");
        output.WriteLine($"at least one event:            {Share(oneOrMore)}");
        output.WriteLine($"two or more events:            {Share(twoOrMore)}");
        foreach (var level in AudioLevels.All)
            output.WriteLine($"{level.Name() + " has a phrase:",-30} {Share(perLevel[level])}");
        output.WriteLine($"an environment found:          {Share(withEnvironment)}");
        output.WriteLine($"the environment reaches ambience: {Share(environmentToAmbience)}");

        Assert.Equal(57_188, captions.Count);
        Assert.Equal(captions.Count, oneOrMore);
        // Bounds around the measured shares, so a parser change that loses events or environments wholesale fails here.
        Assert.InRange(twoOrMore, captions.Count * 45 / 100, captions.Count * 75 / 100);
        Assert.InRange(environmentToAmbience, captions.Count * 5 / 100, withEnvironment);
    }
}
