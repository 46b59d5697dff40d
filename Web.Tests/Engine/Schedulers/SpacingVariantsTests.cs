using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

/// <summary>All three timestep spacings against <c>spacing_variants.safetensors</c> (SD 1.5 config, steps_offset 1).</summary>
public sealed class SpacingVariantsTests(ITestOutputHelper output)
{
    private static readonly string[] Spacings = ["leading", "linspace", "trailing"];

    public static TheoryData<string, string, int> Cases()
    {
        var cases = new TheoryData<string, string, int>();
        foreach (var scheduler in new[] { nameof(DDIMScheduler), nameof(EulerDiscreteScheduler), nameof(DPMSolverMultistepScheduler) })
            foreach (var spacing in Spacings)
                foreach (var n in SchedulerFixture.StepCounts)
                    cases.Add(scheduler, spacing, n);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Timesteps_sigmas_and_init_noise_sigma_match_diffusers(string className, string spacing, int n)
    {
        using var scope = NewDisposeScope();
        using var scheduler = SchedulerFactory.FromConfig(SchedulerFixture.Sd15Config() with { ClassName = className, TimestepSpacing = spacing });
        scheduler.SetTimesteps(n);
        var prefix = $"{className}.{spacing}";

        var timesteps = SchedulerFixture.Load("spacing_variants", $"{prefix}.timesteps.{n}");
        Assert.Equal(timesteps.dtype, scheduler.Timesteps.dtype);
        Report(TensorAssert.Close(scheduler.Timesteps, timesteps, atol: timesteps.is_floating_point() ? 1e-4 : 0, name: $"{prefix}.timesteps.{n}"));

        if (!SchedulerFixture.Has("spacing_variants", $"{prefix}.sigmas.{n}"))
            return;
        Report(TensorAssert.Close(scheduler.Sigmas!, SchedulerFixture.Load("spacing_variants", $"{prefix}.sigmas.{n}"),
            atol: 0, rtol: 1e-6, name: $"{prefix}.sigmas.{n}"));
        Report(TensorAssert.Close(tensor(new[] { (float)scheduler.InitNoiseSigma }), SchedulerFixture.Load("spacing_variants", $"{prefix}.init_noise_sigma.{n}"),
            atol: 0, rtol: 1e-6, name: $"{prefix}.init_noise_sigma.{n}"));
    }

    private void Report(Clap2Diffusion.Engine.Parity.TensorComparison comparison) => output.WriteLine(comparison.ToString());
}
