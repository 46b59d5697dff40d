using Clap2Diffusion.Engine.Schedulers;
using Clap2Diffusion.Tests.Infrastructure;
using static TorchSharp.torch;

namespace Clap2Diffusion.Tests.Engine.Schedulers;

/// <summary>
/// img2img: a diffusers pipeline enters the schedule at <c>tStart·Order</c>, noising the image to that
/// timestep and telling the scheduler where it starts with <c>set_begin_index</c>.
/// </summary>
public sealed class BeginIndexTests
{
    private const int Steps = 20, Start = 8;

    [Theory]
    [InlineData("ddim")]
    [InlineData("euler")]
    [InlineData("euler_ancestral")]
    public void Entering_mid_schedule_continues_a_full_run_exactly_for_one_step_methods(string name)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(21);
        var recorded = randn([Steps, 1, 4, 8, 8], generator: generator);
        var initial = SchedulerFixture.Load("common", "initial_noise");

        using var full = SchedulerFactory.Create(name, SchedulerFixture.Sd15Config());
        full.SetTimesteps(Steps);
        full.NoiseSource = new ReplayNoiseSource(recorded);
        Tensor? midway = null;
        var expected = SchedulerFixture.RunLoop(full, initial * full.InitNoiseSigma, (i, _, _, next) =>
        {
            if (i == Start * full.Order - 1)
                midway = next.clone().MoveToOuterDisposeScope();
        });

        using var partial = SchedulerFactory.Create(name, SchedulerFixture.Sd15Config());
        partial.SetTimesteps(Steps);
        var begin = Start * partial.Order;
        partial.SetBeginIndex(begin);
        partial.NoiseSource = new ReplayNoiseSource(recorded[begin..]);
        var actual = RunFrom(partial, midway!, begin);

        TensorAssert.Close(actual, expected, atol: 0);
        if (partial.StepIndex is { } stepIndex)
            Assert.Equal(Steps, stepIndex);
    }

    [Fact]
    public void Add_noise_uses_the_begin_index_before_stepping_and_the_step_index_after()
    {
        using var scope = NewDisposeScope();
        using var scheduler = new EulerDiscreteScheduler(SchedulerFixture.Sd15Config());
        scheduler.SetTimesteps(Steps);
        scheduler.SetBeginIndex(Start);
        var x0 = zeros(1, 4, 2, 2);
        var noise = ones(1, 4, 2, 2);
        float Sigma(int i) => scheduler.Sigmas![i].item<float>();

        // The timestep passed is ignored once the begin index is known.
        var before = scheduler.AddNoise(x0, noise, tensor(new[] { (float)scheduler.TimestepValues[0] }));
        Assert.Equal(Sigma(Start), before[0, 0, 0, 0].item<float>());

        var t = scheduler.TimestepValues[Start];
        scheduler.Step(zeros(1, 4, 2, 2), t, scheduler.ScaleModelInput(x0, t));
        var after = scheduler.AddNoise(x0, noise, tensor(new[] { (float)t }));
        Assert.Equal(Sigma(Start + 1), after[0, 0, 0, 0].item<float>());
    }

    [Fact]
    public void Begin_index_must_lie_inside_the_schedule_and_set_timesteps_clears_it()
    {
        using var scheduler = new LMSDiscreteScheduler(SchedulerFixture.Sd15Config());
        scheduler.SetTimesteps(Steps);

        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetBeginIndex(Steps));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetBeginIndex(-1));

        scheduler.SetBeginIndex(3);
        Assert.Equal(3, scheduler.BeginIndex);
        scheduler.SetTimesteps(Steps);
        Assert.Null(scheduler.BeginIndex);
        Assert.Null(scheduler.StepIndex);
    }

    private static Tensor RunFrom(DiffusionScheduler scheduler, Tensor latents, int begin)
    {
        var current = latents.alias();
        foreach (var t in scheduler.TimestepValues[begin..])
        {
            using var step = NewDisposeScope();
            var x_in = scheduler.ScaleModelInput(current, t);
            var next = scheduler.Step(SchedulerFixture.FakeEpsilon(x_in, t), t, current).PrevSample;
            current.Dispose();
            current = next.MoveToOuterDisposeScope();
        }
        return current;
    }
}
