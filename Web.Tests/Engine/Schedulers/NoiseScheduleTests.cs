using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

public sealed class NoiseScheduleTests(ITestOutputHelper output)
{
    [Fact]
    public void Sd15_betas_alphas_and_alphas_cumprod_match_diffusers_float32_tables()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new DDIMScheduler(SchedulerFixture.Sd15Config());

        foreach (var (name, actual) in new[] { ("betas", scheduler.Betas), ("alphas", scheduler.Alphas), ("alphas_cumprod", scheduler.AlphasCumprod) })
            output.WriteLine(TensorAssert.Close(actual, SchedulerFixture.Load("common", name), atol: 0, rtol: 1e-6, name: name).ToString());
        Assert.Equal(0.99915, scheduler.AlphasCumprod[0].item<float>(), 5);
        Assert.Equal(0.0046601, scheduler.AlphasCumprod[999].item<float>(), 6);
    }
}
