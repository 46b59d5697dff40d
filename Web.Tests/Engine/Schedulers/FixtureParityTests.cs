using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

/// <summary>Every scheduler against the diffusers 0.27.2 fixtures, at the tolerances of the fixture README.</summary>
public sealed class FixtureParityTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (var name in SchedulerFixture.Names)
            foreach (var n in SchedulerFixture.StepCounts)
                cases.Add(name, n);
        return cases;
    }

    public static TheoryData<string> Names() => new(SchedulerFixture.Names);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Timesteps_sigmas_and_init_noise_sigma_match_diffusers(string name, int n)
    {
        using var scope = NewDisposeScope();
        using var scheduler = SchedulerFactory.Create(name, SchedulerFixture.Sd15Config());
        scheduler.SetTimesteps(n);

        var expected = SchedulerFixture.Load(name, $"timesteps.{n}");
        Assert.Equal(expected.dtype, scheduler.Timesteps.dtype);
        Report(expected.is_floating_point()
            ? TensorAssert.Close(scheduler.Timesteps, expected, atol: 1e-4, name: $"{name}.timesteps.{n}")
            : TensorAssert.Close(scheduler.Timesteps, expected, atol: 0, name: $"{name}.timesteps.{n}"));
        Assert.Equal(expected.to_type(ScalarType.Float64).data<double>().ToArray(), scheduler.TimestepValues);

        if (SchedulerFixture.Has(name, $"sigmas.{n}"))
            Report(TensorAssert.Close(scheduler.Sigmas!, SchedulerFixture.Load(name, $"sigmas.{n}"), atol: 0, rtol: 1e-6, name: $"{name}.sigmas.{n}"));
        else
            Assert.Null(scheduler.Sigmas);

        Report(TensorAssert.Close(tensor(new[] { (float)scheduler.InitNoiseSigma }), SchedulerFixture.Load(name, $"init_noise_sigma.{n}"),
            atol: 0, rtol: 1e-6, name: $"{name}.init_noise_sigma.{n}"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Full_loop_with_the_fake_model_ends_at_diffusers_final_sample(string name, int n)
    {
        using var scope = NewDisposeScope();
        using var scheduler = SchedulerFactory.Create(name, SchedulerFixture.Sd15Config());
        scheduler.SetTimesteps(n);
        var replay = UseRecordedNoise(scheduler, name, n);

        var start = SchedulerFixture.Load("common", "initial_noise") * scheduler.InitNoiseSigma;
        // σ_max may differ from the fixture by one float32 ulp (see NoiseScheduleTests), hence rtol.
        TensorAssert.Close(start, SchedulerFixture.Load(name, $"loop.{n}.start"), atol: 0, rtol: 1e-6, name: $"{name}.loop.{n}.start");

        var final = SchedulerFixture.RunLoop(scheduler, start);

        var expected = SchedulerFixture.Load(name, $"loop.{n}.final_sample");
        Report(TensorAssert.Close(final, expected, atol: SchedulerFixture.LoopTolerance(expected), name: $"{name}.loop.{n}.final_sample"));
        if (replay is not null)
            Assert.Equal(n, replay.Draws);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_step_of_the_20_step_loop_matches_diffusers(string name)
    {
        using var scope = NewDisposeScope();
        using var scheduler = SchedulerFactory.Create(name, SchedulerFixture.Sd15Config());
        scheduler.SetTimesteps(20);
        UseRecordedNoise(scheduler, name, 20);
        var model_inputs = SchedulerFixture.Load(name, "loop.20.model_inputs");
        var model_outputs = SchedulerFixture.Load(name, "loop.20.model_outputs");
        var samples = SchedulerFixture.Load(name, "loop.20.samples");
        Assert.Equal(model_inputs.shape[0], scheduler.TimestepValues.Length);

        var worst = new double[3];
        SchedulerFixture.RunLoop(scheduler, SchedulerFixture.Load(name, "loop.20.start"), (i, x_in, eps, next) =>
        {
            worst[0] = Math.Max(worst[0], Check(x_in, model_inputs[i], $"{name}.model_inputs[{i}]").MaxAbs);
            worst[1] = Math.Max(worst[1], Check(eps, model_outputs[i], $"{name}.model_outputs[{i}]").MaxAbs);
            worst[2] = Math.Max(worst[2], Check(next, samples[i], $"{name}.samples[{i}]").MaxAbs);
        });
        output.WriteLine($"{name} per-step max|Δ|: model_inputs {worst[0]:G3}, model_outputs {worst[1]:G3}, samples {worst[2]:G3}");
    }

    private static ReplayNoiseSource? UseRecordedNoise(DiffusionScheduler scheduler, string name, int n)
    {
        if (!SchedulerFixture.Has(name, $"loop.{n}.noise"))
            return null;
        var replay = new ReplayNoiseSource(SchedulerFixture.Load(name, $"loop.{n}.noise"));
        scheduler.NoiseSource = replay;
        return replay;
    }

    private static Clap2Diffusion.Engine.Parity.TensorComparison Check(Tensor actual, Tensor expected, string what) =>
        TensorAssert.Close(actual, expected, atol: SchedulerFixture.LoopTolerance(expected), name: what);

    private void Report(Clap2Diffusion.Engine.Parity.TensorComparison comparison) => output.WriteLine(comparison.ToString());
}
