using Clap2Diffusion.Client.Contracts;
using Clap2Diffusion.Client.Pages.Generate;
using Clap2Diffusion.Engine.Generation;

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
    [InlineData(0.0, "Strength must be more than 0 and at most 1")]
    [InlineData(1.01, "Strength must be more than 0 and at most 1")]
    [InlineData(double.NaN, "Strength must be more than 0 and at most 1")]
    [InlineData(0.01, "would run none")]
    public void An_edit_needs_a_strength_in_0_to_1_that_runs_at_least_one_step(double strength, string expected)
    {
        var edit = new GenerationSettings { Prompt = "a dog", Steps = 25, InitImage = new string('c', 64), Strength = strength };

        Assert.Contains(GenerationLimits.Default.Check(edit, ["ddim"]), p => p.Contains(expected, StringComparison.Ordinal));
        Assert.Empty(GenerationLimits.Default.Check(edit with { Strength = 1 }, ["ddim"]));
        Assert.Empty(GenerationLimits.Default.Check(edit with { InitImage = null }, ["ddim"]));
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
