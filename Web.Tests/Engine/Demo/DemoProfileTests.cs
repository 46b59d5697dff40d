using Clap2Diffusion.Engine.Demo.Build;

namespace Clap2Diffusion.Tests.Engine.Demo;

public sealed class DemoProfileTests
{
    [Fact]
    public void Base_timing_trains_the_full_recipes_base_model_for_300_steps_and_keeps_the_other_stages_brief()
    {
        var timing = DemoProfile.Named("base-timing");

        Assert.Equal((300, DemoProfile.Full.BaseBatch), (timing.BaseSteps, timing.BaseBatch));
        Assert.Equal(DemoProfile.Full.UNetChannels, timing.UNetChannels);
        Assert.Equal((DemoProfile.Smoke.VaeSteps, DemoProfile.Smoke.ClapSteps, DemoProfile.Smoke.Stage1Steps),
            (timing.VaeSteps, timing.ClapSteps, timing.Stage1Steps));
    }
}
