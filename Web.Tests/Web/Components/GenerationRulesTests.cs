using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Client.Pages.Generate;

namespace Clap2Diffusion.Tests.Web.Components;

public sealed class GenerationRulesTests
{
    [Fact]
    public void Good_settings_have_no_problems()
    {
        Assert.Empty(GenerationLimits.Default.Check(new GenerationSettings { Prompt = "a dog" }, ["ddim"]));
    }

    [Fact]
    public void Every_problem_is_named()
    {
        var settings = new GenerationSettings
        {
            Prompt = "",
            Steps = 0,
            Scheduler = "nope",
            Width = 100,
            Height = 4096,
            TextGuidance = double.PositiveInfinity,
            AudioLevels = new AudioLevelStrengths(-1, 1, 1),
            Seed = -5,
        };

        var problems = GenerationLimits.Default.Check(settings, ["ddim", "euler"]);

        Assert.Equal(8, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Write a prompt", StringComparison.Ordinal));
        Assert.Contains("Scheduler 'nope' is not one of ddim, euler.", problems);
        Assert.Contains(problems, p => p.StartsWith("Audio strength (down)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(SeedMode.Random, null)]
    [InlineData(SeedMode.Reuse, 42L)]
    [InlineData(SeedMode.Fixed, 7L)]
    public void The_seed_follows_its_mode(SeedMode mode, long? expected)
    {
        var form = GenerationForm.From(new GenerationSettings { Prompt = " a dog ", Seed = 7 });
        form.SeedMode = mode;

        var settings = form.ToSettings(lastSeed: 42);

        Assert.Equal(expected, settings.Seed);
        Assert.Equal("a dog", settings.Prompt);
    }
}
