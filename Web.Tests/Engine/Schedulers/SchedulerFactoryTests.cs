using Clap2Diffusion.Engine;
using Clap2Diffusion.Engine.Schedulers;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

public sealed class SchedulerFactoryTests
{
    [Theory]
    [InlineData("ddim", nameof(DDIMScheduler), 951)]
    [InlineData("pndm", nameof(PNDMScheduler), 951)]
    [InlineData("lms", nameof(LMSDiscreteScheduler), 999)]
    [InlineData("euler", nameof(EulerDiscreteScheduler), 999)]
    [InlineData("euler_ancestral", nameof(EulerAncestralDiscreteScheduler), 999)]
    [InlineData("dpmpp_2m", nameof(DPMSolverMultistepScheduler), 999)]
    [InlineData("dpmpp_2m_karras", nameof(DPMSolverMultistepScheduler), 999)]
    public void Each_name_keeps_its_class_default_spacing_when_built_from_the_sd15_config(string name, string className, double firstTimestep)
    {
        using var scheduler = SchedulerFactory.Create(name, SchedulerFixture.Sd15Config());
        scheduler.SetTimesteps(20);

        Assert.Equal(className, scheduler.Name);
        Assert.Equal(className, scheduler.Config.ClassName);
        Assert.Equal(firstTimestep, scheduler.TimestepValues[0]);
    }

    [Fact]
    public void A_spacing_written_in_the_base_config_is_followed_by_every_class()
    {
        var config = SchedulerFixture.Sd15Config() with { TimestepSpacing = "leading" };
        foreach (var name in new[] { "euler", "lms", "euler_ancestral" })
        {
            using var scheduler = SchedulerFactory.Create(name, config);
            scheduler.SetTimesteps(20);
            Assert.Equal(951, scheduler.TimestepValues[0]);
        }
    }

    [Fact]
    public void The_name_decides_karras_sigmas_whatever_the_base_config_says()
    {
        var karrasBase = SchedulerFixture.Sd15Config() with { UseKarrasSigmas = true };
        using var plain = SchedulerFactory.Create("dpmpp_2m", karrasBase);
        using var karras = SchedulerFactory.Create("dpmpp_2m_karras", SchedulerFixture.Sd15Config());
        plain.SetTimesteps(20);
        karras.SetTimesteps(20);

        Assert.False(plain.Config.UseKarrasSigmas);
        Assert.True(karras.Config.UseKarrasSigmas);
        Assert.Equal([999, 949], plain.TimestepValues[..2]);
        Assert.NotEqual(949, karras.TimestepValues[1]);
    }

    [Fact]
    public void Unknown_names_and_classes_are_input_errors_listing_the_choices()
    {
        var name = Assert.Throws<InputException>(() => SchedulerFactory.Create("heun", SchedulerFixture.Sd15Config()));
        Assert.Contains("dpmpp_2m_karras", name.Message);

        var className = Assert.Throws<InputException>(() => SchedulerFactory.FromConfig(new SchedulerConfig { ClassName = "UniPCMultistepScheduler" }));
        Assert.Contains("UniPCMultistepScheduler", className.Message);
        Assert.Contains(nameof(EulerDiscreteScheduler), className.Message);

        Assert.Throws<InputException>(() => SchedulerFactory.FromConfig(new SchedulerConfig()));
    }

    [Fact]
    public void Missing_config_file_is_an_input_error()
    {
        Assert.Throws<InputException>(() => SchedulerFactory.FromFile(SchedulerFixture.PathOf("no_such_scheduler_config.json")));
    }
}
